"""Per-client token buckets, in memory, one set per worker process, bounded by least-recent use."""

import math
from collections import OrderedDict

DEFAULT_MAX_CLIENTS = 10_000


class TokenBuckets:
    """`rate_per_minute` requests per client per minute on average, with bursts of up to `burst`.

    Each worker limits on its own, so with N workers (or N replicas) a client gets up to N times the
    rate; that is the price of needing no shared store, and is fine for shedding abusive clients.

    At most `max_clients` buckets are kept; a new client evicts the one seen longest ago. A client that is
    being throttled keeps asking, so it stays recent: a flood of other addresses cannot reset its bucket.
    """

    def __init__(self, rate_per_minute: int, burst: int, max_clients: int = DEFAULT_MAX_CLIENTS) -> None:
        if max_clients < 1:
            raise ValueError("max_clients must be at least 1")
        self.rate = rate_per_minute / 60.0  # tokens per second
        self.capacity = float(max(burst, 1))
        self.max_clients = max_clients
        # client -> [tokens, last refill time], least recently used first
        self.buckets: OrderedDict[str, list[float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """Spend one token; 0.0 if allowed, else the seconds until a token is available."""
        bucket = self.buckets.get(client)
        if bucket is None:
            if len(self.buckets) >= self.max_clients:
                self.buckets.popitem(last=False)
            self.buckets[client] = [self.capacity - 1.0, now]
            return 0.0
        self.buckets.move_to_end(client)
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
