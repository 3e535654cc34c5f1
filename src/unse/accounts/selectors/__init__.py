"""Reads of the accounts part, one module per sub-domain: keyword-only, typed, owner-scoped, a fixed number
of queries per call. (Their JSON shapes are the API layer's: `unse.accounts.serializers`.)"""
