"""Scale-out: two API worker processes behind one port, sharing a real PostgreSQL server and a real Chroma
server, against the stand-in model endpoint of tests/stand_in_model.py. Turns go over fresh connections,
so the kernel hands them to either worker; which worker answered is read from the access log (its lines
carry the process id and the client's port). Some turns on one debrief are sent at the same moment, so
two workers handle the same debrief at once.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.access.keys import hash_key, new_key
from tests.support.stand_in_model import StandInModel
from tests.support.throwaway_servers import (
    NO_POSTGRES,
    chroma_binary,
    chroma_server,
    free_port,
    postgres_available,
    postgres_cluster,
)

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
ACCESS = re.compile(r"^pid=(\d+) client=127\.0\.0\.1:(\d+) \"(\w+) (\S+) HTTP/1\.1\" (\d+)")

pytestmark = pytest.mark.subprocess


def _log_config(path: Path) -> None:
    """uvicorn's own logging, with the worker's process id on every access line."""
    path.write_text(json.dumps({
        "version": 1, "disable_existing_loggers": False,
        "formatters": {
            "access": {"()": "uvicorn.logging.AccessFormatter", "use_colors": False,
                       "fmt": 'pid=%(process)d client=%(client_addr)s "%(request_line)s" %(status_code)s'},
            "plain": {"format": "%(process)d %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
            "plain": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["plain"], "level": "INFO", "propagate": False},
            "debrief": {"handlers": ["plain"], "level": "WARNING", "propagate": False},
        },
    }))


class Workers:
    """`uvicorn --factory api.app:create_app --workers 2`, configured only through DEBRIEF_* variables."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.access_log = tmp / "access.log"
        self.error_log = tmp / "api.log"
        _log_config(tmp / "logging.json")
        self.access = self.access_log.open("wb")
        self.errors = self.error_log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(WORKERS), "--log-config", str(tmp / "logging.json")],
            # Unbuffered: the test reads the access log while the workers run.
            cwd=ROOT, env={**os.environ, **env, "PYTHONUNBUFFERED": "1"}, stdout=self.access, stderr=self.errors,
        )

    def request(self, method: str, path: str, key: str, body: dict[str, Any] | None = None) -> tuple[int, Any, int]:
        """One request on a new connection: (status, JSON answer, the client's port)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.connect()
            assert connection.sock is not None
            client_port = connection.sock.getsockname()[1]
            payload = json.dumps(body).encode() if body is not None else None
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            connection.request(method, path, body=payload, headers=headers)
            answer = connection.getresponse()
            return answer.status, json.loads(answer.read() or b"null"), client_port
        finally:
            connection.close()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.error_log.read_text()
            try:
                if self.request("GET", "/health", "")[0] == 200 and len(self.serving_pids()) == WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{WORKERS} workers did not start: {self.error_log.read_text()}")

    def serving_pids(self) -> set[int]:
        """Workers that have started, from uvicorn's start-up line in each."""
        return {int(pid) for pid in re.findall(r"^(\d+) INFO uvicorn.error: Application startup complete",
                                                  self.error_log.read_text(), re.M)}

    def answered_by(self) -> dict[int, int]:
        """The worker (process id) that answered each client port."""
        by_port = {}
        for line in self.access_log.read_text().splitlines():
            if match := ACCESS.match(line):
                by_port[int(match[2])] = int(match[1])
        return by_port

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.access.close()
        self.errors.close()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[Workers, str, StandInModel]]:
    if not postgres_available():
        pytest.skip(NO_POSTGRES)
    if chroma_binary() is None:
        pytest.skip("no chroma command (it comes with chromadb)")
    key = new_key()
    model = StandInModel()
    with postgres_cluster() as database, chroma_server(tmp_path) as chroma:
        api = Workers(tmp_path, {
            "DEBRIEF_DATA_DIR": str(tmp_path / "data"), "DEBRIEF_DATABASE_URL": database,
            "DEBRIEF_CHROMA_URL": chroma, "DEBRIEF_EMBEDDER": "hash",
            "DEBRIEF_API_KEYS": f"scale:{hash_key(key)}", "DEBRIEF_CREATE_DEV_KEY": "false",
            "DEBRIEF_LLM_BASE_URL": model.url, "DEBRIEF_LLM_MODEL": "stand-in", "DEBRIEF_LLM_MAX_RETRIES": "0",
            "DEBRIEF_SESSION_SECRET": "shared-by-every-worker",
        })
        try:
            api.wait_until_serving()
            yield api, key, model
        finally:
            api.stop()
            model.stop()


def test_turns_spread_over_two_workers_lose_nothing(workers: tuple[Workers, str, StandInModel]) -> None:
    api, key, model = workers
    status, opened, _ = api.request("POST", "/debriefs", key, {"kind": "candidate"})
    assert status == 201, opened
    messages = f"/debriefs/{opened['id']}/messages"
    acknowledged: list[str] = []
    turn_ports: list[int] = []

    # One at a time, each on a new connection, until both workers have taken turns. Which worker accepts
    # a connection is the kernel's choice; on a busy machine one can win many times in a row.
    for n in range(60):
        text = f"sequential{n} strong stakeholder stories"
        status, answer, port = api.request("POST", messages, key, {"text": text})
        assert status == 200, answer
        acknowledged.append(text)
        turn_ports.append(port)
        if n >= 3 and len({api.answered_by().get(p) for p in turn_ports}) == WORKERS:
            break
        time.sleep(0.05)  # both workers back to waiting on the socket before the next connection

    # Then several at the same moment: each is taken in full or refused as conflicting, never half.
    results: dict[str, tuple[int, Any, int]] = {}

    def send(text: str) -> None:
        results[text] = api.request("POST", messages, key, {"text": text})

    senders = [threading.Thread(target=send, args=(f"together{n} calm under pressure",)) for n in range(4)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=30)
    for text, (status, answer, port) in results.items():
        assert status in (200, 409), answer
        if status == 200:
            acknowledged.append(text)
            turn_ports.append(port)

    answered_by = api.answered_by()
    assert {answered_by[p] for p in turn_ports} == api.serving_pids(), "both workers must have taken turns"

    status, stored, _ = api.request("GET", f"/debriefs/{opened['id']}", key)
    assert status == 200
    transcript = stored["transcript"]
    recruiter = [m["text"] for m in transcript if m["role"] == "recruiter"]
    # Every acknowledged turn exactly once, none pending, each answered right after it.
    assert sorted(recruiter) == sorted(acknowledged)
    assert all(m["status"] == "done" for m in transcript)
    assert [m["role"] for m in transcript] == ["assistant"] + ["recruiter", "assistant"] * len(acknowledged)
    strengths = stored["record"]["fields"]["strengths"]["value"]
    assert sorted(s.split()[0] for s in strengths) == sorted(t.split()[0] for t in acknowledged)
    assert model.calls == len(acknowledged)
    # Both workers ingested the playbook into the one Chroma server at start-up, and nothing went wrong.
    problems = re.findall(r"^\d+ (?:WARNING|ERROR) .*$", api.error_log.read_text(), re.M)
    assert problems == []
