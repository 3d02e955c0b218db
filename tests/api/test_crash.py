"""Crash safety: the API killed with SIGKILL mid-turn loses no acknowledged turn and leaves no half turn.

The API runs as its own uvicorn process on a SQLite file, against the stand-in OpenAI-compatible endpoint
of tests/stand_in_model.py. One message makes the stand-in hold its answer; the API is killed while it waits,
then started again on the same file.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.access.keys import hash_key, new_key
from tests.support.stand_in_model import HOLD, StandInModel

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class API:
    """`uvicorn api.app:create_app` in its own process, configured only through DEBRIEF_* variables."""

    def __init__(self, tmp: Path, model_url: str, key: str, log_level: str = "warning") -> None:
        self.log_level = log_level
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "api.log"
        self.env = {
            **os.environ,
            "DEBRIEF_DATA_DIR": str(tmp), "DEBRIEF_DATABASE_URL": f"sqlite:///{tmp / 'crash.db'}",
            "DEBRIEF_API_KEYS": f"crash:{hash_key(key)}", "DEBRIEF_CREATE_DEV_KEY": "false",
            "DEBRIEF_LLM_BASE_URL": model_url, "DEBRIEF_LLM_MODEL": "stand-in", "DEBRIEF_LLM_MAX_RETRIES": "0",
            "DEBRIEF_EMBEDDER": "hash", "DEBRIEF_PLAYBOOK_AUTO_INGEST": "false",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> API:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", self.log_level],
                cwd=ROOT, env=self.env, stdout=log, stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"the API did not start: {self.log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def stand_in() -> Iterator[StandInModel]:
    model = StandInModel()
    yield model
    model.stop()


@pytest.mark.subprocess
def test_a_kill_mid_turn_keeps_every_acknowledged_turn_and_no_half_turn(
    tmp_path: Path, stand_in: StandInModel
) -> None:
    model = stand_in
    key = new_key()
    auth = {"Authorization": f"Bearer {key}"}
    api = API(tmp_path, model.url, key).start()
    try:
        debrief_id = httpx.post(f"{api.url}/debriefs", json={"kind": "candidate"}, headers=auth).json()["id"]
        acknowledged = []
        for text in ("strong on stakeholder stories", "calm under pressure today", "good SQL window functions"):
            turn = httpx.post(f"{api.url}/debriefs/{debrief_id}/messages", json={"text": text}, headers=auth,
                              timeout=30)
            assert turn.status_code == 200, turn.text
            acknowledged.append(text)

        lost: dict[str, Any] = {}

        def in_flight() -> None:
            try:
                lost["answer"] = httpx.post(f"{api.url}/debriefs/{debrief_id}/messages",
                                            json={"text": f"{HOLD} keen on the team"}, headers=auth, timeout=30)
            except httpx.HTTPError as exc:
                lost["error"] = exc

        sender = threading.Thread(target=in_flight)
        sender.start()
        assert model.holding.wait(timeout=15), "the in-flight turn never reached the model"
        api.kill()
        sender.join(timeout=15)
        assert "answer" not in lost, "the killed turn must not have been acknowledged"
    finally:
        api.stop()

    model.release.set()  # from now on the stand-in answers at once
    api = API(tmp_path, model.url, key).start()
    try:
        got = httpx.get(f"{api.url}/debriefs/{debrief_id}", headers=auth).json()
        transcript = got["transcript"]
        recruiter = [m for m in transcript if m["role"] == "recruiter"]
        done = [m["text"] for m in recruiter if m["status"] == "done"]
        assert done == acknowledged  # every acknowledged turn, in order, and nothing else finished
        # No half turn: every finished message is answered, and only the last message may be unanswered.
        assert [m["role"] for m in transcript[: 1 + 2 * len(done)]] == ["assistant"] + ["recruiter", "assistant"] * 3
        assert all(m["status"] == "done" for m in transcript[: 1 + 2 * len(done)])
        rest = transcript[1 + 2 * len(done):]
        assert rest == [] or [(m["role"], m["status"]) for m in rest] == [("recruiter", "pending")]
        strengths = got["record"]["fields"]["strengths"]["value"]
        assert len(strengths) == len(acknowledged)
        if rest:
            retried = httpx.post(f"{api.url}/debriefs/{debrief_id}/retry", headers=auth, timeout=30)
            assert retried.status_code == 200, retried.text
            final = httpx.get(f"{api.url}/debriefs/{debrief_id}", headers=auth).json()
            assert [m["status"] for m in final["transcript"] if m["role"] == "recruiter"] == ["done"] * 4
            assert final["transcript"][-1]["role"] == "assistant"
    finally:
        api.stop()
