"""TokenBuckets as a pure function of (client, now): a fake clock, never wall time."""

import pytest

from app.ops.ratelimit import DEFAULT_MAX_CLIENTS, TokenBuckets


def flood(buckets: TokenBuckets, clients: range, now: float, prefix: str = "203.0.113.") -> None:
    """Distinct clients, each making one request (always allowed: a new client has a full bucket)."""
    for n in clients:
        assert buckets.take(f"{prefix}{n}", now) == 0.0


# rate per minute, burst, [(now, expected wait)] for one client's requests in order.
REFILL_CASES = [
    pytest.param(60, 3, [(0, 0), (0, 0), (0, 0), (0, 1.0)], id="burst-then-wait-one-token"),
    pytest.param(60, 3, [(0, 0), (0, 0), (0, 0), (0.25, 0.75), (1.0, 0)], id="refills-one-token-per-second"),
    pytest.param(60, 2, [(0, 0), (0, 0), (100, 0), (100, 0), (100, 1.0)], id="refill-caps-at-burst"),
    pytest.param(30, 1, [(0, 0), (0, 2.0), (1.5, 0.5), (2.0, 0)], id="half-a-token-per-second"),
    pytest.param(600, 1, [(0, 0), (0.05, 0.05), (0.1, 0)], id="fast-rate"),
    # A refused request spends nothing: waiting out the quoted time is always enough.
    pytest.param(60, 1, [(0, 0), (0.5, 0.5), (0.75, 0.25), (1.0, 0), (1.0, 1.0)], id="refusals-cost-nothing"),
    pytest.param(60, 0, [(0, 0), (0, 1.0)], id="burst-below-one-is-one"),
]


@pytest.mark.parametrize(("rate", "burst", "steps"), REFILL_CASES)
def test_refill_arithmetic(rate: int, burst: int, steps: list[tuple[float, float]]) -> None:
    buckets = TokenBuckets(rate, burst)
    waits = [buckets.take("198.51.100.7", now) for now, _ in steps]
    assert waits == pytest.approx([wait for _, wait in steps])


@pytest.mark.parametrize(("seconds", "header"), [
    (0.0, "1"), (0.0001, "1"), (0.999, "1"), (1.0, "1"), (1.0001, "2"), (2.5, "3"), (59.5, "60"), (60.0, "60"),
])
def test_retry_after_rounds_up_to_whole_seconds_of_at_least_one(seconds: float, header: str) -> None:
    assert TokenBuckets.retry_after(seconds) == header


def test_the_default_bound_is_ten_thousand_clients() -> None:
    assert DEFAULT_MAX_CLIENTS == 10_000
    assert TokenBuckets(60, 5).max_clients == DEFAULT_MAX_CLIENTS


@pytest.mark.parametrize("max_clients", [2, 3, 100, DEFAULT_MAX_CLIENTS])
def test_a_throttled_client_stays_throttled_however_many_others_arrive(max_clients: int) -> None:
    buckets = TokenBuckets(60, 2, max_clients=max_clients)
    throttled = "198.51.100.66"
    assert [buckets.take(throttled, 0.0) for _ in range(3)] == [0.0, 0.0, 1.0]
    # A flood of 2.5 × the bound in distinct clients, while the throttled one keeps trying (at least once per
    # bound's worth of newcomers, as any client that is being throttled does).
    step = max_clients - 1
    for start in range(0, max_clients * 5 // 2, step):
        flood(buckets, range(start, start + step), now=0.5)
        assert buckets.take(throttled, 0.5) == pytest.approx(0.5)
        assert len(buckets.buckets) <= max_clients
    assert buckets.take(throttled, 1.0) == 0.0  # and it gets its token back on time, not earlier


def test_memory_stays_at_the_bound() -> None:
    buckets = TokenBuckets(60, 5, max_clients=1000)
    flood(buckets, range(25_000), now=0.0)
    assert len(buckets.buckets) == 1000
    # The survivors are the 1000 most recent clients.
    assert set(buckets.buckets) == {f"203.0.113.{n}" for n in range(24_000, 25_000)}


def test_the_least_recently_used_bucket_is_evicted_and_only_that_one() -> None:
    buckets = TokenBuckets(60, 1, max_clients=3)
    for client in ("a", "b", "c"):
        buckets.take(client, 0.0)
    assert buckets.take("a", 0.1) > 0  # "a" is now the most recently used; "b" the least
    buckets.take("d", 0.2)
    assert list(buckets.buckets) == ["c", "a", "d"]
    # "a" is still throttled; "b" was forgotten, so it starts with a full bucket again.
    assert buckets.take("a", 0.3) > 0
    assert buckets.take("b", 0.3) == 0.0
    assert list(buckets.buckets) == ["d", "a", "b"]  # "c" went: the least recently used


def test_the_bound_must_be_positive() -> None:
    with pytest.raises(ValueError):
        TokenBuckets(60, 5, max_clients=0)
