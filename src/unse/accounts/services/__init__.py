"""Writes of the accounts part, one module per sub-domain: keyword-only, typed, one transaction each where
it matters. Every function that takes a `user` acts only on that user's own rows; a foreign or unknown
public id raises ServiceError(NOT_FOUND) exactly like a missing one (no existence oracle).

outbox (transactional mail), consent (sign-up consents, guardian), profiles, favourites, api_keys (the
user's own LLM key), activity (statistics), access_log (staff reads of personal data), library (보관함 and
share links), deletion (탈퇴, unverified accounts), encryption (key rotation).
"""
