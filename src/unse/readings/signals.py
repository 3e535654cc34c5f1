"""Signals of the readings part, for the parts above it (which readings must not import).

`reading_requested` is sent (`asend`) once per logged-in user's reading request, after its database work
and before any byte is streamed; `unse.accounts` records it on the user's statistics page. Arguments:
`user_id` (int) and `kind` (`unse.readings.keys.Kind`). Receivers are async and best-effort: a
`DatabaseError` they raise is logged, never shown to the user.
"""

from __future__ import annotations

from django.dispatch import Signal

reading_requested = Signal()
