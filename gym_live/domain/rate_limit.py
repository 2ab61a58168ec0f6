"""A token bucket per caller: `rate` calls a second on average, `burst` at once."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float
    burst: float
    tokens: float = field(init=False)
    at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self, now: float) -> float:
        """0.0 when a call may go now (it takes a token); else the seconds until one may."""
        if self.at is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class RateLimits:
    """One bucket per key id, made on its first call."""

    rate: float
    buckets: dict[int, TokenBucket] = field(default_factory=dict)

    def wait(self, key: int, now: float) -> float:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket(self.rate, max(1.0, 2 * self.rate))
        return bucket.take(now)
