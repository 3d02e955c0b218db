"""Liveness, readiness that tells the truth, the model-restart 503, request ids in JSON logs, /metrics."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from api.app import create_app
from api.logs import JsonFormatter, logging_config, request_id
from assistant.core.settings import Settings
from assistant.service import Service
from tests.conftest import make_service
from tests.support.fakes import ScriptedChatModel, update


def test_health_stays_as_it_was_and_liveness_answers(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "alive"}
    assert client.get("/health/live").json() == {"status": "alive"}


def test_ready_when_database_chroma_and_model_are_up(client: TestClient) -> None:
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "reasons": []}


def test_not_ready_while_the_breaker_is_open(client: TestClient, service: Service) -> None:
    assert service._breaker is not None
    for _ in range(service.settings.llm.breaker_failures):
        with pytest.raises(ConnectionError), service._breaker.call():
            raise ConnectionError("refused")
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready"
    assert any("circuit breaker open" in reason for reason in ready.json()["reasons"])


def test_not_ready_while_the_database_is_unreachable(
    client: TestClient, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service.store, "engine", create_engine("sqlite:////nonexistent-dir/debrief.db"))
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert any(reason.startswith("the database cannot be reached") for reason in ready.json()["reasons"])


def test_not_ready_while_chroma_is_unreachable(settings: Settings, model: ScriptedChatModel) -> None:
    # Nothing listens on port 9 (discard) on loopback: the Chroma server is down.
    down = make_service(settings.overridden(storage={"chroma_url": "http://127.0.0.1:9"}), model)
    try:
        with TestClient(create_app(down)) as client:
            ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert any(reason.startswith("the playbook store (Chroma) cannot be reached")
                   for reason in ready.json()["reasons"])
    finally:
        down.stop()


def test_request_ids_are_returned_and_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="debrief")
    given = client.get("/health/live", headers={"X-Request-ID": "probe-42"})
    assert given.headers["X-Request-ID"] == "probe-42"
    # An id that could forge log structure is replaced by a fresh one.
    forged = client.get("/health/live", headers={"X-Request-ID": 'x", "level": "critical'})
    assert forged.headers["X-Request-ID"] != 'x", "level": "critical'
    assert len(forged.headers["X-Request-ID"]) == 32
    access = [r for r in caplog.records if r.name == "debrief.access" and getattr(r, "path", "") == "/health/live"]
    assert access and access[0].status == 200  # type: ignore[attr-defined]


def test_json_log_lines_carry_the_request_id_and_extra_fields() -> None:
    record = logging.LogRecord("debrief.model", logging.ERROR, __file__, 1, "stopped (%s)", ("exit code 1",), None)
    record.exit_code = 1
    token = request_id.set("abc123")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "stopped (exit code 1)"
    assert line["level"] == "error"
    assert line["request_id"] == "abc123"
    assert line["exit_code"] == 1


def test_metrics_count_turns_and_tokens(client: TestClient, auth: dict[str, str], model: ScriptedChatModel) -> None:
    model.script = [[update("candidate_name", "Priya Shah", "Priya Shah")]]
    before = client.get("/metrics").text
    opened = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()
    turn = client.post(f"/debriefs/{opened['id']}/messages", json={"text": "Spoke to Priya Shah."}, headers=auth)
    assert turn.status_code == 200, turn.text
    after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    assert _sample(after.text, 'debrief_turn_seconds_count{outcome="done"}') == \
        _sample(before, 'debrief_turn_seconds_count{outcome="done"}') + 1
    assert _sample(after.text, 'debrief_model_tokens_total{direction="input"}') > \
        _sample(before, 'debrief_model_tokens_total{direction="input"}')
    assert "debrief_model_calls_in_flight 0.0" in after.text
    assert "debrief_model_restarts_total" in after.text


def test_the_log_format_follows_the_setting() -> None:
    assert logging_config("json")["formatters"]["service"] == {"()": "api.logs.JsonFormatter"}
    assert "%(request_id)s" in logging_config("text")["formatters"]["service"]["format"]
    # uvicorn's own access line (which would carry query strings) is replaced by the request-id line.
    assert logging_config("text")["loggers"]["uvicorn.access"]["handlers"] == []


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0
