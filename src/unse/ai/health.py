"""The AI providers' circuit breakers as a readiness check: an open or half-open breaker makes `/ready/`
answer `degraded` (200), never 503 — the service still serves cached readings and the marked built-in
fallback, so taking the instance out of the load balancer would only make things worse."""

from __future__ import annotations

from unse.ai.breaker import BreakerState, breaker_states


async def breaker_check() -> str | None:
    states = await breaker_states()
    not_closed = [
        f"{name}: {state.value}" for name, state in states.items() if state is not BreakerState.CLOSED
    ]
    return ", ".join(not_closed) or None
