"""Keeps the embedded model server running: when it exits it is started again, waiting longer after each
failed start, and while it is out every caller can be told why.

The server can die under a turn (a crash in llama.cpp, the kernel's out-of-memory killer, an operator's
kill). The turn then fails with ModelRestarting (a 503 that says so; the message is kept for a retry),
the exit code and the server's last log lines go to the service log, and the restart happens here.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Protocol

from assistant.core import MODEL_RESTARTS

log = logging.getLogger("debrief.model")

# A server that ran this long before exiting had started fine: the next restart waits the shortest time.
_STABLE_S = 60.0


class Supervised(Protocol):
    """What the supervisor uses of EmbeddedServer (tests stand a `sleep` process in for it)."""

    @property
    def process(self) -> subprocess.Popen[bytes] | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def log_tail(self, lines: int = 20) -> list[str]: ...


def exit_description(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class ModelSupervisor:
    def __init__(self, server: Supervised, min_backoff_s: float = 1.0, max_backoff_s: float = 30.0) -> None:
        self.server = server
        self._min_backoff_s = min_backoff_s
        self._max_backoff_s = max_backoff_s
        # Runs (in the watcher thread) each time a restarted server answers: the service warms it up.
        self.on_restart: Callable[[], None] | None = None
        self._stopping = threading.Event()
        self._guard = threading.Lock()
        self._outage: str | None = None
        self.restarts = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.server.start()
        if self.server.process is None:
            # Another Debrief process on this machine serves the model; that process supervises it.
            return
        self._thread = threading.Thread(target=self._watch, daemon=True, name="model-supervisor")
        self._thread.start()

    def outage(self, wait_s: float = 0.0) -> str | None:
        """Why the model server cannot answer now, or None while it runs. A caller whose request just
        failed passes `wait_s`: the connection drops a moment before the exit can be observed."""
        deadline = time.monotonic() + wait_s
        while True:
            with self._guard:
                if self._outage is not None:
                    return self._outage
            process = self.server.process
            if process is not None and process.poll() is not None and not self._stopping.is_set():
                return f"the model server stopped ({exit_description(process.returncode)}) and is restarting"
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def stop(self) -> None:
        self._stopping.set()
        self.server.stop()
        if self._thread is not None:
            self._thread.join(timeout=15)

    def _set_outage(self, reason: str | None) -> None:
        with self._guard:
            self._outage = reason

    def _watch(self) -> None:
        backoff = self._min_backoff_s
        while not self._stopping.is_set():
            process = self.server.process
            if process is None:
                return
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            how = exit_description(code)
            self._set_outage(f"the model server stopped ({how}) and is restarting")
            self.restarts += 1
            MODEL_RESTARTS.inc()
            tail = self.server.log_tail()
            log.error(
                "the embedded model server stopped (%s); restarting it. Its last log lines:\n%s", how,
                "\n".join(tail), extra={"exit_code": code, "server_log_tail": tail, "pid": process.pid},
            )
            if time.monotonic() - started >= _STABLE_S:
                backoff = self._min_backoff_s
            while True:
                if self._stopping.wait(backoff):
                    return
                try:
                    self.server.start()
                    break
                except Exception as exc:  # noqa: BLE001 - any failed start is retried the same way
                    backoff = min(backoff * 2, self._max_backoff_s)
                    self._set_outage(
                        f"the model server stopped ({how}); restarting it failed ({exc}); next try in {backoff:.0f} s"
                    )
                    log.error("restarting the embedded model server failed: %s", exc,
                              extra={"server_log_tail": self.server.log_tail(), "next_try_s": backoff})
            backoff = min(backoff * 2, self._max_backoff_s)
            self._set_outage(None)
            log.info("the embedded model server is back (restart %d)", self.restarts)
            if self.on_restart is not None:
                self.on_restart()
