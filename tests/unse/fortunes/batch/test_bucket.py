"""Token buckets: reservation order, refill, refunds, the web reserve and the shared Redis bucket."""

from __future__ import annotations

import uuid

import pytest

from unse.fortunes.batch.bucket import BucketSpec, LocalBucket, ProviderLimiter, RedisBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_local_bucket_serves_burst_then_queues_in_arrival_order() -> None:
    clock = FakeClock()
    bucket = LocalBucket(BucketSpec(rate_per_second=1.0, capacity=2.0), clock=clock)
    waits = [await bucket.reserve(1) for _ in range(4)]
    assert waits == [0.0, 0.0, 1.0, 2.0]
    clock.now += 3.0
    assert await bucket.reserve(1) == 0.0


async def test_local_bucket_refund_returns_unused_tokens() -> None:
    clock = FakeClock()
    bucket = LocalBucket(BucketSpec(rate_per_second=10.0, capacity=100.0), clock=clock)
    assert await bucket.reserve(100) == 0.0
    assert await bucket.reserve(50) == pytest.approx(5.0)
    await bucket.refund(50)
    assert await bucket.reserve(10) == pytest.approx(1.0)


async def test_request_larger_than_burst_still_passes() -> None:
    bucket = LocalBucket(BucketSpec(rate_per_second=1.0, capacity=5.0), clock=FakeClock())
    assert await bucket.reserve(50) == 0.0


def test_batch_share_leaves_the_web_reserve() -> None:
    spec = BucketSpec.per_minute(600, reserve_share=0.25)
    assert spec is not None
    assert spec.rate_per_second == pytest.approx(7.5)
    assert BucketSpec.per_minute(0, reserve_share=0.25) is None


async def test_limiter_waits_for_both_buckets_and_pauses_on_retry_after() -> None:
    clock = FakeClock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    limiter = ProviderLimiter(
        requests=LocalBucket(BucketSpec(rate_per_second=1.0, capacity=1.0), clock=clock),
        tokens=LocalBucket(BucketSpec(rate_per_second=50.0, capacity=100.0), clock=clock),
        sleep=sleep,
        clock=clock,
    )
    await limiter.acquire(tokens=100)
    assert slept == []
    await limiter.acquire(tokens=100)  # requests would wait 1 s, tokens 2 s: the tighter one wins
    assert slept == [pytest.approx(2.0)]
    limiter.pause(30.0)
    await limiter.acquire(tokens=1)
    assert slept[-1] == pytest.approx(30.0)


async def test_limiter_settle_charges_real_usage() -> None:
    clock = FakeClock()
    tokens = LocalBucket(BucketSpec(rate_per_second=10.0, capacity=100.0), clock=clock)
    limiter = ProviderLimiter(requests=None, tokens=tokens, clock=clock)
    await limiter.acquire(tokens=50)
    await limiter.settle(estimated=50, actual=150)
    assert await tokens.reserve(0) == pytest.approx(5.0)  # 50 left - 100 extra = -50 at 10/s


@pytest.mark.redis
async def test_redis_bucket_is_shared_between_processes(redis_url: str) -> None:
    key = f"test:unse:bucket:{uuid.uuid4().hex}"
    spec = BucketSpec(rate_per_second=1.0, capacity=1.0)
    first = RedisBucket(spec, url=redis_url, key=key)
    second = RedisBucket(spec, url=redis_url, key=key)
    try:
        assert await first.reserve(1) == 0.0
        wait = await second.reserve(1)
        assert 0.5 < wait <= 1.0
        await first.refund(1)
        assert await second.reserve(0) == 0.0
    finally:
        await first._client.delete(key)
        await first.aclose()
        await second.aclose()


async def test_redis_bucket_degrades_to_local_when_redis_is_down() -> None:
    bucket = RedisBucket(BucketSpec(rate_per_second=1.0, capacity=1.0), url="redis://127.0.0.1:1/0", key="x")
    try:
        assert await bucket.reserve(1) == 0.0
        assert await bucket.reserve(1) > 0.5
    finally:
        await bucket.aclose()
