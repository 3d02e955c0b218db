"""The embedded model server killed in the middle of a debrief: the turn in flight fails with a 503 that
says the server is restarting (the message kept), readiness reports it, the supervisor starts the server
again, and the retried turn completes. Runs the real embedded model."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.core.settings import Settings
from assistant.model.embedded import EmbeddedServer
from assistant.service import Service

pytestmark = pytest.mark.embedded


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_reading(server: EmbeddedServer, log_from: int, timeout_s: float = 120.0) -> None:
    """Until the server has begun the request (its log shows a slot taking the task): the kill then
    lands mid-turn, not before the request arrived."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with server.options.log_file.open("rb") as f:
            f.seek(log_from)
            if b"launch_slot_" in f.read():
                return
        time.sleep(0.05)
    raise AssertionError("the model server never started on the turn")


def test_a_model_server_killed_mid_debrief_restarts_and_the_retried_turn_completes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        storage={"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        # A shared CI machine can read prompts slowly; the kill, not a timeout, must end the turn.
        llm={"base_url": None, "max_retries": 0, "timeout_s": 900},
        embedded={"port": _free_port(), "warm_up": False},
        playbook={"embedder": "hash", "auto_ingest": False, "guidance_per_turn": 0},
        limits={"rate_limit_per_minute": 0},
    )
    caplog.set_level(logging.INFO, logger="debrief.model")
    service = Service(settings).start()
    try:
        auth = {"Authorization": f"Bearer {service.dev_key}"}
        with TestClient(create_app(service)) as client:
            assert client.get("/health/ready").status_code == 200
            debrief = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()["id"]
            server = service._runtime.server if service._runtime else None
            assert server is not None and server.pid is not None
            killed_pid = server.pid
            log_from = server.options.log_file.stat().st_size
            answers: list[httpx.Response] = []
            turn = threading.Thread(target=lambda: answers.append(client.post(
                f"/debriefs/{debrief}/messages", headers=auth,
                json={"text": "Spoke to Priya Shah, she is on 3 months notice and wants 85k."})))
            turn.start()
            _wait_until_reading(server, log_from)
            os.kill(killed_pid, signal.SIGKILL)
            turn.join(timeout=60)

            assert answers and answers[0].status_code == 503, answers[0].text if answers else "no answer"
            detail = answers[0].json()["detail"]
            assert "restarting" in detail and "killed by SIGKILL" in detail, detail
            assert "Retry-After" in answers[0].headers
            kept = client.get(f"/debriefs/{debrief}", headers=auth).json()
            assert kept["transcript"][-1]["status"] == "pending", "the message is kept for the retry"

            deadline = time.monotonic() + 300
            while (ready := client.get("/health/ready")).status_code != 200:
                assert ready.status_code == 503
                assert any("model server stopped" in reason for reason in ready.json()["reasons"])
                assert time.monotonic() < deadline, ready.json()
                time.sleep(0.5)
            assert server.pid is not None and server.pid != killed_pid

            retried = client.post(f"/debriefs/{debrief}/retry", headers=auth)
            assert retried.status_code == 200, retried.text
            assert client.get(f"/debriefs/{debrief}", headers=auth).json()["transcript"][-2]["status"] == "done"
        stopped = [r for r in caplog.records if "embedded model server stopped" in r.getMessage()]
        assert stopped and getattr(stopped[0], "exit_code", None) == -signal.SIGKILL
        assert getattr(stopped[0], "server_log_tail", [])
    finally:
        service.stop()
