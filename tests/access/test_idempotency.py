"""Idempotency-Key on the turn routes: a resend replays the first answer; the model runs once."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import BaseMessage
from sqlalchemy import func, select

from assistant.access.idempotency import Answer, Claim, Replays, request_fingerprint
from assistant.core.errors import IdempotencyKeyReused, InvalidInput
from assistant.core.settings import Settings
from assistant.service import Service
from assistant.storage.store import IdempotencyRow, Store
from tests.support.fakes import ScriptedChatModel, update


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fifty resends at once from one key are what is tested here; the rate limit is tested on its own.
    monkeypatch.setenv("DEBRIEF_RATE_LIMIT_PER_MINUTE", "0")


def _open(client: TestClient, auth: dict[str, str]) -> str:
    response = client.post("/debriefs", json={"kind": "candidate"}, headers=auth)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _recruiter_messages(client: TestClient, auth: dict[str, str], debrief_id: str) -> list[dict[str, Any]]:
    transcript = client.get(f"/debriefs/{debrief_id}", headers=auth).json()["transcript"]
    return [m for m in transcript if m["role"] == "recruiter"]


def test_a_resend_with_the_same_key_replays_the_first_answer_without_calling_the_model(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    debrief_id = _open(client, auth)
    model.script = [[update("candidate_interest", "4", "4/5")], [update("candidate_interest", "2", "2/5")]]
    headers = {**auth, "Idempotency-Key": "turn-1"}
    first = client.post(f"/debriefs/{debrief_id}/messages", json={"text": "she's a 4/5"}, headers=headers)
    again = client.post(f"/debriefs/{debrief_id}/messages", json={"text": "she's a 4/5"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(model.calls) == 1
    assert [m["text"] for m in _recruiter_messages(client, auth, debrief_id)] == ["she's a 4/5"]


def test_the_same_key_with_another_request_is_refused(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    debrief_id, other_id = _open(client, auth), _open(client, auth)
    headers = {**auth, "Idempotency-Key": "k"}
    assert client.post(f"/debriefs/{debrief_id}/messages", json={"text": "first"}, headers=headers).status_code == 200
    for url, body in ((f"/debriefs/{debrief_id}/messages", {"text": "second"}),
                      (f"/debriefs/{other_id}/messages", {"text": "first"}),
                      (f"/debriefs/{debrief_id}/messages/stream", {"text": "first"})):
        refused = client.post(url, json=body, headers=headers)
        assert refused.status_code == 422, url
        assert "different request" in refused.json()["detail"]
    assert len(model.calls) == 1
    assert len(_recruiter_messages(client, auth, other_id)) == 0


def test_fifty_concurrent_sends_with_one_key_store_one_turn_and_all_get_its_answer(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client (or a proxy) retrying one message 50 times at once, while the first is still running."""
    debrief_id = _open(client, auth)
    waiting: set[int] = set()
    all_waiting = threading.Event()
    wait = service.replays.wait

    async def counted_wait(recruiter_id: str, key: str, timeout_s: float = 1.0) -> None:
        task = asyncio.current_task()
        waiting.add(id(task))
        if len(waiting) == 49:
            all_waiting.set()
        await wait(recruiter_id, key, timeout_s)

    monkeypatch.setattr(service.replays, "wait", counted_wait)

    def slow_model(messages: list[BaseMessage]) -> list[dict[str, str]]:
        # Holds the first turn open until every duplicate is waiting for it (no sleeps, no timing); the
        # timeout only keeps a broken build from hanging.
        if len(model.calls) == 1:
            all_waiting.wait(timeout=15)
        return [update("notice_period", "two months", "notice is two months")]

    model.script = slow_model
    headers = {**auth, "Idempotency-Key": "retrying-client"}

    def send(_: int) -> httpx.Response:
        return client.post(f"/debriefs/{debrief_id}/messages", json={"text": "notice is two months"},
                           headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(send, range(50)))
    assert all_waiting.is_set(), "the duplicates should have waited for the running turn"
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert answers[0].json()["record"]["fields"]["notice_period"]["value"] == "2 months"
    assert len(model.calls) == 1
    assert len(_recruiter_messages(client, auth, debrief_id)) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 49


def test_concurrent_retries_with_one_key_run_the_model_once(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    debrief_id = _open(client, auth)
    model.fail_with = httpx.ConnectError("down")
    assert client.post(f"/debriefs/{debrief_id}/messages", json={"text": "a 3"}, headers=auth).status_code == 503
    model.fail_with = None
    model.script = [[update("candidate_interest", "3", "a 3")]]
    headers = {**auth, "Idempotency-Key": "retry-1"}
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: client.post(f"/debriefs/{debrief_id}/retry", headers=headers), range(20)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert len(model.calls) == 2  # the failed call and one retry
    assert [m["status"] for m in _recruiter_messages(client, auth, debrief_id)] == ["done"]


def test_a_model_failure_is_replayed_and_a_refusal_frees_the_key(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    debrief_id = _open(client, auth)
    url = f"/debriefs/{debrief_id}/messages"
    model.fail_with = httpx.ConnectError("down")
    down = client.post(url, json={"text": "keen"}, headers={**auth, "Idempotency-Key": "a"})
    assert down.status_code == 503
    model.fail_with = None
    # The message was kept: a resend must not store it again, so it gets the same 503 (retry is the way on).
    again = client.post(url, json={"text": "keen"}, headers={**auth, "Idempotency-Key": "a"})
    assert (again.status_code, again.json()) == (503, down.json())
    assert len(_recruiter_messages(client, auth, debrief_id)) == 1
    # Refused (409: a message is pending): nothing changed, so the same key may be used once it can succeed.
    pending = client.post(url, json={"text": "next"}, headers={**auth, "Idempotency-Key": "b"})
    assert pending.status_code == 409
    assert client.post(f"/debriefs/{debrief_id}/retry", headers=auth).status_code == 200
    later = client.post(url, json={"text": "next"}, headers={**auth, "Idempotency-Key": "b"})
    assert later.status_code == 200 and "Idempotent-Replayed" not in later.headers


def test_a_streamed_turn_is_replayed_as_events_without_calling_the_model(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    debrief_id = _open(client, auth)
    model.script = [[update("candidate_interest", "3", "a 3")]]
    headers = {**auth, "Idempotency-Key": "stream-1"}

    def events() -> list[tuple[str, str]]:
        with client.stream("POST", f"/debriefs/{debrief_id}/messages/stream", json={"text": "a 3"},
                           headers=headers) as response:
            assert response.status_code == 200
            lines = [line for line in response.iter_lines() if line.startswith(("event:", "data:"))]
        pairs = list(zip(lines[::2], lines[1::2], strict=True))
        return [(e.split(": ", 1)[1], d.split(": ", 1)[1]) for e, d in pairs]

    first, replay = events(), events()
    assert len(model.calls) == 1
    assert [e for e, _ in replay] == ["accepted", "captured", "reply", "record"]
    assert replay[-1] == first[-1]
    assert json.loads(replay[-1][1])["record"]["fields"]["candidate_interest"]["value"] == 3


def test_erasing_a_debrief_erases_its_stored_answers(
    client: TestClient, auth: dict[str, str], service: Service
) -> None:
    debrief_id = _open(client, auth)
    client.post(f"/debriefs/{debrief_id}/messages", json={"text": "x"}, headers={**auth, "Idempotency-Key": "e"})

    def stored() -> int:
        with service.store.session() as s:
            return int(s.scalar(select(func.count()).select_from(IdempotencyRow)) or 0)

    assert stored() == 1
    assert client.delete(f"/debriefs/{debrief_id}", headers=auth).status_code == 204
    assert stored() == 0


def test_keys_expire_after_their_time(tmp_path: Any) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    replays = Replays(Store(f"sqlite:///{tmp_path / 'k.db'}"), ttl_s=60, lease_s=30, clock=lambda: now[0])
    fingerprint = request_fingerprint("POST", "/debriefs/d/messages", {"text": "hi"})
    claim = replays.begin("r", "key", fingerprint)
    assert isinstance(claim, Claim)
    replays.complete(claim, Answer(200, {"reply": "first"}))
    now[0] += timedelta(seconds=59)
    assert replays.begin("r", "key", fingerprint) == Answer(200, {"reply": "first"})
    with pytest.raises(IdempotencyKeyReused):
        replays.begin("r", "key", request_fingerprint("POST", "/debriefs/d/messages", {"text": "other"}))
    now[0] += timedelta(seconds=2)
    # Expired: the key is free again, even for another request.
    assert isinstance(replays.begin("r", "key", request_fingerprint("POST", "/x", None)), Claim)


def test_a_claim_left_by_a_crashed_process_is_taken_over_after_its_lease(tmp_path: Any) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    replays = Replays(Store(f"sqlite:///{tmp_path / 'k.db'}"), ttl_s=3600, lease_s=30, clock=lambda: now[0])
    abandoned = replays.begin("r", "key", "f")
    assert isinstance(abandoned, Claim)
    assert replays.begin("r", "key", "f") is None  # running: wait
    now[0] += timedelta(seconds=31)
    taken = replays.begin("r", "key", "f")
    assert isinstance(taken, Claim) and taken.token != abandoned.token
    replays.complete(abandoned, Answer(200, {"late": True}))  # the old holder cannot overwrite
    replays.complete(taken, Answer(200, {"late": False}))
    assert replays.begin("r", "key", "f") == Answer(200, {"late": False})


def test_fingerprints_ignore_key_order_and_keys_are_checked(tmp_path: Any) -> None:
    assert request_fingerprint("post", "/p", {"a": 1, "b": 2}) == request_fingerprint("POST", "/p", {"b": 2, "a": 1})
    assert request_fingerprint("POST", "/p", {"a": 1}) != request_fingerprint("POST", "/q", {"a": 1})
    replays = Replays(Store(f"sqlite:///{tmp_path / 'k.db'}"), ttl_s=60, lease_s=30)
    for bad in ("", "x" * 201, "line\nbreak"):
        with pytest.raises(InvalidInput):
            replays.begin("r", bad, "f")


def test_the_ttl_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().server.idempotency_ttl_s == 24 * 3600
    monkeypatch.setenv("DEBRIEF_IDEMPOTENCY_TTL_S", "90")
    assert Settings().server.idempotency_ttl_s == 90
