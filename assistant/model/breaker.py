"""A circuit breaker for the model endpoint: after N failures in a row, turns fail at once.

Without it, every recruiter's turn waits out the full timeout (and its retries) against an endpoint
that is down. Open, calls are refused for the cool-down; then one trial call goes through, and its
outcome closes the breaker or opens it for another cool-down.

With the embedded model, the breaker also knows whether its server is out (stopped and restarting): a
call then fails at once with ModelRestarting, which says so, and such failures do not count, so turns
are not paused after the server is back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from assistant.core import ModelPaused, ModelRestarting


class Breaker:
    def __init__(
        self,
        failures: int,
        cooldown_s: float,
        is_fault: Callable[[BaseException], bool] = lambda exc: True,
        clock: Callable[[], float] = time.monotonic,
        outage: Callable[[float], str | None] | None = None,
    ) -> None:
        """`outage(wait_s)` says why the model server is out, or None (see ModelSupervisor.outage)."""
        self._outage = outage
        self._threshold = failures
        self._cooldown_s = cooldown_s
        self._is_fault = is_fault
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None

    @contextmanager
    def call(self) -> Iterator[None]:
        """Guards one call: raises ModelPaused while open; an exception the `is_fault` predicate accepts
        counts as a failure, anything else (an answer, even an unreadable one) as a success."""
        if self._outage and (reason := self._outage(0.0)):
            raise ModelRestarting(reason)
        trial = self._admit()
        try:
            yield
        except BaseException as exc:
            if isinstance(exc, Exception) and self._is_fault(exc):
                # The connection drops a moment before the server's exit can be seen: wait for it briefly.
                if self._outage and (reason := self._outage(1.0)):
                    if trial:
                        with self._lock:
                            self._trial_running = False
                    raise ModelRestarting(reason) from exc
                self._failed()
            elif isinstance(exc, Exception):
                self._succeeded()
            elif trial:
                # Interrupted, not answered: let the next caller make the trial instead.
                with self._lock:
                    self._trial_running = False
            raise
        else:
            self._succeeded()

    def _admit(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return False
            waited = self._clock() - self._opened_at
            if waited < self._cooldown_s or self._trial_running:
                raise ModelPaused(self._failures, max(self._cooldown_s - waited, 1.0))
            self._trial_running = True
            return True

    def _failed(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial_running = False
            if self._failures >= self._threshold:
                # Reopening after a failed trial starts a fresh cool-down.
                self._opened_at = self._clock()

    def _succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False
