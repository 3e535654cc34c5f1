"""AI infrastructure: LLM providers with a real SSE parser, circuit breaker, rate limits, token budget,
per-worker stream cap and metrics (contract in docs/ai-infrastructure.md)."""
