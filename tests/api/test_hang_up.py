"""A client that hangs up in the middle of a streamed turn or draft (a phone losing signal) holds nothing.

Every streaming route, the API's and the web app's, over a real socket (uvicorn on a free loopback port):
read the first event, close the connection, then use the debrief again. The debrief's lock is free once
the turn's model call is over, the turn itself is finished and stored (the recruiter finds the reply on
coming back), and a streamed draft is stored too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest
from langchain_core.messages import BaseMessage

from assistant.service import Service
from tests.support.fakes import ScriptedChatModel, update
from tests.support.web_server import serving

# Long enough that the client is gone before the model answers; short, so the test stays quick.
MODEL_SECONDS = 0.8
# A follow-up that waited this long was blocked by a lock nobody would release.
PATIENCE_S = 15.0


def _slow(answer: Callable[[list[BaseMessage]], Any]) -> Callable[[list[BaseMessage]], Any]:
    def script(messages: list[BaseMessage]) -> Any:
        time.sleep(MODEL_SECONDS)
        return answer(messages)
    return script


def _turn_answer(messages: list[BaseMessage]) -> Any:
    """The newest message's first words as a strength."""
    newest = str(messages[-1].content).split("<message>")[-1].split("</message>")[0].strip()
    words = " ".join(newest.split()[:4])
    return [update("strengths", words, words)]


def _draft_answer(_messages: list[BaseMessage]) -> str:
    return "Hi Ana,\n\nThank you for your time on the call today.\n\nBest regards"


@pytest.fixture
def slow_model() -> ScriptedChatModel:
    return ScriptedChatModel(script=_slow(_turn_answer))


@pytest.fixture
def served(settings: Any, slow_model: ScriptedChatModel) -> Iterator[tuple[str, Service]]:
    from tests.conftest import make_service

    service = make_service(settings, slow_model)
    try:
        with serving(service) as url:
            yield url, service
    finally:
        service.stop()


def _hang_up_after_first_event(client: httpx.Client, url: str, **request: Any) -> str:
    """Sends the request, reads until the first event's name, and closes the connection."""
    with client.stream("POST", url, **request) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            if line.startswith("event:"):
                return line.split(":", 1)[1].strip()
    raise AssertionError("the stream ended without an event")


def _eventually(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _api(url: str, service: Service) -> httpx.Client:
    assert service.dev_key
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {service.dev_key}"}, timeout=PATIENCE_S)


def _web(url: str, service: Service) -> tuple[httpx.Client, str]:
    """A browser-like client signed in to the web app, and its CSRF token."""
    assert service.dev_key
    client = httpx.Client(base_url=url, timeout=PATIENCE_S, headers={"Accept": "text/html"})
    form = client.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    signed = client.post("/signin", data={"key": service.dev_key, "csrf_token": token.group(1)})
    assert signed.status_code == 303, signed.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert csrf
    client.headers.pop("Accept")
    return client, csrf.group(1)


def _the_debrief_is_free_and_the_turn_was_stored(api: httpx.Client, debrief_id: str, sent: str) -> None:
    # Before: this waited on the lock held by the abandoned stream (or found the message still pending).
    follow_up = api.post(f"/debriefs/{debrief_id}/messages", json={"text": "also keen on the role"})
    assert follow_up.status_code == 200, follow_up.text
    transcript = api.get(f"/debriefs/{debrief_id}").json()["transcript"]
    first = next(m for m in transcript if m["role"] == "recruiter" and m["text"] == sent)
    assert first["status"] == "done"
    assert transcript[first["seq"] + 1]["role"] == "assistant"
    assert api.delete(f"/debriefs/{debrief_id}").status_code == 204


def test_hanging_up_on_the_apis_message_stream(served: tuple[str, Service]) -> None:
    url, service = served
    with _api(url, service) as api:
        debrief_id = api.post("/debriefs", json={"kind": "candidate"}).json()["id"]
        sent = "strong stakeholder stories throughout"
        first = _hang_up_after_first_event(api, f"/debriefs/{debrief_id}/messages/stream", json={"text": sent})
        assert first == "accepted"
        _the_debrief_is_free_and_the_turn_was_stored(api, debrief_id, sent)


def test_hanging_up_on_the_apis_message_stream_with_an_idempotency_key(served: tuple[str, Service]) -> None:
    """The turn ends without its client, and its answer is kept for the key: the resend gets it."""
    url, service = served
    with _api(url, service) as api:
        debrief_id = api.post("/debriefs", json={"kind": "candidate"}).json()["id"]
        body = {"text": "clear communicator on the phone"}
        key = {"Idempotency-Key": "hang-up-1"}
        stream = f"/debriefs/{debrief_id}/messages/stream"
        _hang_up_after_first_event(api, stream, json=body, headers=key)
        # The resend waits for the running turn if need be, then gets its answer replayed.
        resent = api.post(stream, json=body, headers=key)
        assert resent.status_code == 200, resent.text
        assert resent.headers["Idempotent-Replayed"] == "true"
        assert "event: reply" in resent.text and "event: error" not in resent.text
        transcript = api.get(f"/debriefs/{debrief_id}").json()["transcript"]
        assert [m["text"] for m in transcript if m["role"] == "recruiter"] == [body["text"]]


def test_hanging_up_on_the_apis_draft_stream(served: tuple[str, Service], slow_model: ScriptedChatModel) -> None:
    url, service = served
    slow_model.script = _slow(_draft_answer)
    with _api(url, service) as api:
        debrief_id = api.post("/debriefs", json={"kind": "candidate", "candidate_name": "Ana Lima"}).json()["id"]
        first = _hang_up_after_first_event(api, f"/debriefs/{debrief_id}/drafts/stream",
                                           json={"type": "candidate_coaching_note"})
        assert first == "accepted"
        # Before: the draft was never written (its generator stayed suspended after `accepted`).
        assert _eventually(lambda: len(api.get(f"/debriefs/{debrief_id}/drafts").json()) == 1)
        assert api.delete(f"/debriefs/{debrief_id}").status_code == 204


def test_hanging_up_on_the_web_apps_message_stream(served: tuple[str, Service]) -> None:
    url, service = served
    web, csrf = _web(url, service)
    with closing(web), _api(url, service) as api:
        debrief_id = api.post("/debriefs", json={"kind": "candidate"}).json()["id"]
        sent = "excellent on the SQL exercise"
        first = _hang_up_after_first_event(web, f"/app/debriefs/{debrief_id}/messages/stream",
                                           json={"text": sent}, headers={"X-CSRF-Token": csrf})
        assert first == "accepted"
        _the_debrief_is_free_and_the_turn_was_stored(api, debrief_id, sent)


def test_hanging_up_on_the_web_apps_retry_stream(served: tuple[str, Service], slow_model: ScriptedChatModel) -> None:
    url, service = served
    web, csrf = _web(url, service)
    with closing(web), _api(url, service) as api:
        debrief_id = api.post("/debriefs", json={"kind": "candidate"}).json()["id"]
        sent = "calm under pressure in the final"
        slow_model.fail_with = httpx.ConnectError("the model is down")
        assert api.post(f"/debriefs/{debrief_id}/messages", json={"text": sent}).status_code == 503
        slow_model.fail_with = None
        first = _hang_up_after_first_event(web, f"/app/debriefs/{debrief_id}/retry/stream",
                                           headers={"X-CSRF-Token": csrf})
        assert first == "status"
        _the_debrief_is_free_and_the_turn_was_stored(api, debrief_id, sent)
