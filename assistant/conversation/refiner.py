"""Runs the whole-conversation pass in the background, off the recruiter's path.

A pass is asked for after each turn's reply is sent; it starts once no new turn has come for a short
delay, so a recruiter typing several messages in a row gets one pass over all of them, not one per
message. A turn that arrives while a pass runs asks for one more pass afterwards (the running one read
the conversation without it). Listeners (the API's event stream) are told when a pass starts and ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.conversation.debriefs import Debriefs, RefinementOutcome

log = logging.getLogger("debrief")


@dataclass
class _State:
    recruiter_id: str
    wanted_at: float = 0.0
    running: bool = False
    again: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    last: RefinementOutcome | None = None


class BackgroundRefiner:
    def __init__(self, debriefs: Debriefs, delay_s: float, clock: Callable[[], float] | None = None) -> None:
        self._debriefs = debriefs
        self._delay = delay_s
        self._clock = clock or time.monotonic
        self._states: dict[str, _State] = {}
        self._guard = threading.Condition()

    def request(self, recruiter_id: str, debrief_id: str, at_once: bool = False) -> None:
        """Ask for a pass over the debrief; `at_once` skips the typing delay (the flow has completed)."""
        with self._guard:
            state = self._states.get(debrief_id)
            if state is None:
                state = self._states[debrief_id] = _State(recruiter_id)
            state.wanted_at = self._clock() + (0.0 if at_once else self._delay)
            if state.running:
                state.again = True
                return
            state.running = True
            state.done.clear()
        threading.Thread(target=self._work, args=(debrief_id,), daemon=True, name="refine").start()

    def is_refining(self, debrief_id: str) -> bool:
        with self._guard:
            state = self._states.get(debrief_id)
            return bool(state and state.running)

    def wait(self, debrief_id: str, timeout_s: float | None = None) -> RefinementOutcome | None:
        """Block until no pass is running or due for the debrief; the last pass's outcome, if any."""
        with self._guard:
            state = self._states.get(debrief_id)
        if state is None:
            return None
        state.done.wait(timeout_s)
        return state.last

    def _work(self, debrief_id: str) -> None:
        while True:
            with self._guard:
                state = self._states[debrief_id]
                # Coalesce: a newer request pushed the start back; wait it out.
                while (pause := state.wanted_at - self._clock()) > 0:
                    self._guard.wait(pause)
                state.again = False
                recruiter_id = state.recruiter_id
            try:
                state.last = self._debriefs.refine(recruiter_id, debrief_id)
            except Exception as exc:  # noqa: BLE001 - a failed pass leaves the turn's record as it was
                log.warning("the whole-conversation pass over %s failed: %s", debrief_id, exc)
            with self._guard:
                if state.again:
                    continue
                state.running = False
                state.done.set()
                self._guard.notify_all()
                return
