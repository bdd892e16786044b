"""Per-client token buckets, in memory, one set per worker process."""

import math

_PRUNE_AT = 10_000


class TokenBuckets:
    """`rate_per_minute` requests per client per minute on average, with bursts of up to `burst`.

    Each worker limits on its own, so with N workers (or N replicas) a client gets up to N times the
    rate; that is the price of needing no shared store, and is fine for shedding abusive clients.
    """

    def __init__(self, rate_per_minute: int, burst: int) -> None:
        self.rate = rate_per_minute / 60.0  # tokens per second
        self.capacity = float(max(burst, 1))
        self.buckets: dict[str, list[float]] = {}  # client -> [tokens, last refill time]

    def take(self, client: str, now: float) -> float:
        """Spend one token; 0.0 if allowed, else the seconds until a token is available."""
        bucket = self.buckets.get(client)
        if bucket is None:
            if len(self.buckets) >= _PRUNE_AT:
                self._prune(now)
            self.buckets[client] = [self.capacity - 1.0, now]
            return 0.0
        tokens = min(self.capacity, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        return (1.0 - tokens) / self.rate

    @staticmethod
    def retry_after(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))

    def _prune(self, now: float) -> None:
        # A bucket that would be full again is the same as no bucket: forget those clients.
        refill = self.capacity / self.rate
        self.buckets = {c: b for c, b in self.buckets.items() if now - b[1] < refill}
        if len(self.buckets) >= _PRUNE_AT:
            self.buckets.clear()  # a flood of distinct clients: start over rather than grow without bound
