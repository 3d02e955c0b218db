"""A turn or a draft run in a thread of its own, its events handed over to whoever reads them.

A streamed turn holds its debrief's lock while the model reads the message. Written as a generator that
yields to the network, the lock would be held by whichever reader last asked for an event: a client that
hangs up leaves the generator suspended, lock and all, until the garbage collector closes it, and every
turn, retry, correction or erasure of that debrief waits. Here the work runs to its end in its own
thread, whether or not anyone reads: the lock is released when the turn is stored, the message is
answered, and a reader that comes back finds the reply in the transcript.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

Event = TypeVar("Event")
Result = TypeVar("Result")

# What the work calls with each event as it happens.
Emit = Callable[[Any], None]


class _End:
    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class Handoff(Iterator[Any], Generic[Result]):
    """Iterates the work's events and then its result; the work starts at the first `next`, so bad input
    is still raised to the first reader. `outcome` settles when the work ends, read or not."""

    def __init__(self, work: Callable[[Emit], Result], name: str = "turn") -> None:
        self._work = work
        self._name = name
        self._events: queue.Queue[Any] = queue.Queue()
        self._started = False
        self._start_guard = threading.Lock()
        self.outcome: Future[Result] = Future()

    def __iter__(self) -> Handoff[Result]:
        return self

    def __next__(self) -> Any:
        self._start()
        item = self._events.get()
        if isinstance(item, _End):
            self._events.put(item)  # a reader that asks again gets the end again
            if item.error is not None:
                raise item.error
            raise StopIteration
        return item

    def _start(self) -> None:
        with self._start_guard:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, daemon=True, name=self._name).start()

    def _run(self) -> None:
        try:
            result = self._work(self._events.put)
        except BaseException as exc:  # handed to the reader, raised in its thread
            self.outcome.set_exception(exc)
            self._events.put(_End(exc))
            return
        self.outcome.set_result(result)
        self._events.put(result)
        self._events.put(_End())
