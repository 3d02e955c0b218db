"""Each recruiter's request allowance: a token bucket per key (per client address without a valid key).

Kept in this process's memory: with N server workers a client can make up to N times the allowance.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.core import TooManyRequests

# Buckets idle long enough to be full again carry no information; past this many they are dropped, so
# a stream of distinct addresses cannot grow the table without bound.
_PRUNE_ABOVE = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class Quota:
    def __init__(
        self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """`per_minute` 0 turns the limit off; `burst` requests may come at once."""
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, who: str) -> None:
        """Spends one request of `who`'s allowance, or raises TooManyRequests saying when to come back."""
        if self._rate <= 0:
            return
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(who)
            if bucket is None:
                if len(self._buckets) >= _PRUNE_ABOVE:
                    self._prune(now)
                bucket = self._buckets[who] = _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
            if bucket.tokens < 1:
                raise TooManyRequests((1 - bucket.tokens) / self._rate)
            bucket.tokens -= 1

    def _prune(self, now: float) -> None:
        refill_s = self._burst / self._rate
        for who in [w for w, b in self._buckets.items() if now - b.updated >= refill_s]:
            del self._buckets[who]
