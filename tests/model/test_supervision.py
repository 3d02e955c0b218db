"""The supervisor on a stand-in server process (a `sleep`): it reports the outage with the exit, restarts
the process with backoff, and stops for good when the service stops. The real embedded server is killed in
tests/model/test_model_restart.py."""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from pathlib import Path

import pytest

from assistant.core import ModelUnavailable
from assistant.model import ModelSupervisor, exit_description


class StandInServer:
    """What the supervisor uses of EmbeddedServer, with `sleep` as the server; the first `failures`
    restarts fail the way a server that cannot start does."""

    def __init__(self, log_file: Path, failures: int = 0) -> None:
        self.log_file = log_file
        self.failures = failures
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self._process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        self.starts += 1
        if 1 < self.starts <= 1 + self.failures:
            raise ModelUnavailable("the embedded model server exited with code 1; see the log")
        self._process = subprocess.Popen(["sleep", "60"])

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            self._process.wait()

    def log_tail(self, lines: int = 20) -> list[str]:
        return ["load_tensors: CPU_REPACK model buffer size = 950.71 MiB", "srv  update_slots: all slots are idle"]


def _wait_for(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_killed_server_is_reported_and_restarted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="debrief.model")
    server = StandInServer(tmp_path / "server.log")
    restarted: list[int] = []
    supervisor = ModelSupervisor(server, min_backoff_s=0.2, max_backoff_s=1.0)
    supervisor.on_restart = lambda: restarted.append(1)
    supervisor.start()
    try:
        assert supervisor.outage() is None
        first = server.pid
        assert first is not None
        server.process.send_signal(signal.SIGKILL)  # type: ignore[union-attr]
        reason = supervisor.outage(wait_s=2.0)
        assert reason == "the model server stopped (killed by SIGKILL) and is restarting"
        _wait_for(lambda: restarted)
        assert supervisor.outage() is None
        assert server.pid not in (None, first)
        assert supervisor.restarts == 1
        stopped = next(r for r in caplog.records if "stopped" in r.getMessage())
        assert stopped.levelno == logging.ERROR
        assert stopped.exit_code == -signal.SIGKILL  # type: ignore[attr-defined]
        assert "CPU_REPACK" in stopped.server_log_tail[0]  # type: ignore[attr-defined]
    finally:
        supervisor.stop()
    assert server.process is None or server.process.poll() is not None


def test_failed_restarts_back_off_and_say_why(tmp_path: Path) -> None:
    server = StandInServer(tmp_path / "server.log", failures=2)
    supervisor = ModelSupervisor(server, min_backoff_s=0.1, max_backoff_s=0.4)
    supervisor.start()
    try:
        server.process.terminate()  # type: ignore[union-attr]
        _wait_for(lambda: "restarting it failed" in (supervisor.outage() or ""))
        assert "exited with code 1" in (supervisor.outage() or "")
        _wait_for(lambda: supervisor.outage() is None)
        assert server.starts == 4  # the first start, two failed restarts, the one that worked
    finally:
        supervisor.stop()


def test_stopping_the_service_does_not_restart_the_server(tmp_path: Path) -> None:
    server = StandInServer(tmp_path / "server.log")
    supervisor = ModelSupervisor(server, min_backoff_s=0.05)
    supervisor.start()
    supervisor.stop()
    time.sleep(0.3)
    assert server.starts == 1
    assert supervisor.outage() is None


@pytest.mark.parametrize(("code", "said"), [(-9, "killed by SIGKILL"), (-11, "killed by SIGSEGV"), (1, "exit code 1")])
def test_exit_descriptions(code: int, said: str) -> None:
    assert exit_description(code) == said
