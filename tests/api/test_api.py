"""The HTTP API as a recruiter's client sees it: contract, access control, bad input, failures."""

import json

import httpx
from fastapi.testclient import TestClient

from api.errors import retry_after, status_and_detail
from assistant.core import ModelRestarting
from assistant.service import Service
from tests.support.fakes import ScriptedChatModel, update


def _open(client: TestClient, auth: dict[str, str], **body: str) -> dict:
    response = client.post("/debriefs", json={"kind": "candidate", **body}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_debrief_from_open_to_erase(client: TestClient, auth: dict[str, str], model: ScriptedChatModel) -> None:
    opened = _open(client, auth, candidate_name="Priya Shah")
    assert opened["question"]
    model.script = [[update("candidate_interest", "4", "4/5")]]
    turn = client.post(f"/debriefs/{opened['id']}/messages", json={"text": "she's a 4/5"}, headers=auth)
    assert turn.status_code == 200, turn.text
    body = turn.json()
    assert body["record"]["fields"]["candidate_interest"] == {"value": 4, "evidence": ["4/5"], "source": "chat"}
    assert body["captured"][0]["field"] == "candidate_interest"
    assert body["usage"]["llm_calls"] == 1

    got = client.get(f"/debriefs/{opened['id']}", headers=auth).json()
    assert [m["role"] for m in got["transcript"]] == ["assistant", "recruiter", "assistant"]
    listed = client.get("/debriefs", headers=auth).json()
    assert listed[0]["candidate_name"] == "Priya Shah"

    assert client.delete(f"/debriefs/{opened['id']}", headers=auth).status_code == 204
    assert client.get(f"/debriefs/{opened['id']}", headers=auth).status_code == 404
    assert client.get("/debriefs", headers=auth).json() == []


def test_requests_without_a_valid_key_are_refused(client: TestClient, auth: dict[str, str]) -> None:
    assert client.get("/debriefs").status_code == 401
    assert client.get("/debriefs", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/debriefs", json={"kind": "candidate"}).status_code == 401


def test_a_recruiter_cannot_see_or_touch_another_recruiters_debrief(
    client: TestClient, auth: dict[str, str], service: Service
) -> None:
    opened = _open(client, auth)
    other = {"Authorization": f"Bearer {service.keys.add('bob')}"}
    assert client.get(f"/debriefs/{opened['id']}", headers=other).status_code == 404
    assert client.post(f"/debriefs/{opened['id']}/messages", json={"text": "hi"}, headers=other).status_code == 404
    assert client.delete(f"/debriefs/{opened['id']}", headers=other).status_code == 404
    assert client.get("/debriefs", headers=other).json() == []
    assert client.get(f"/debriefs/{opened['id']}", headers=auth).status_code == 200


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(client: TestClient, auth: dict[str, str]) -> None:
    assert client.post("/debriefs", json={"kind": "martian"}, headers=auth).status_code == 422
    bad_json = client.post("/debriefs", content=b"{not json", headers={**auth, "Content-Type": "application/json"})
    assert bad_json.status_code == 422
    opened = _open(client, auth)
    url = f"/debriefs/{opened['id']}/messages"
    empty = client.post(url, json={"text": "   "}, headers=auth)
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    too_long = client.post(url, json={"text": "x" * 8001}, headers=auth)
    assert too_long.status_code == 422 and "8000" in too_long.json()["detail"]
    assert client.post(url, json={}, headers=auth).status_code == 422
    assert client.post("/debriefs/no-such-id/messages", json={"text": "hi"}, headers=auth).status_code == 404
    transcript = client.get(f"/debriefs/{opened['id']}", headers=auth).json()["transcript"]
    assert len(transcript) == 1


def test_model_down_gives_503_keeps_the_message_and_retry_completes_it(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    opened = _open(client, auth)
    url = f"/debriefs/{opened['id']}"
    model.fail_with = httpx.ConnectError("connection refused")
    down = client.post(f"{url}/messages", json={"text": "notice is 2 months"}, headers=auth)
    assert down.status_code == 503
    assert "DEBRIEF_LLM_BASE_URL" in down.json()["detail"]
    kept = client.get(url, headers=auth).json()["transcript"]
    assert kept[-1] == {**kept[-1], "role": "recruiter", "text": "notice is 2 months", "status": "pending"}
    # A new message would be read out of order while one is waiting.
    assert client.post(f"{url}/messages", json={"text": "next"}, headers=auth).status_code == 409

    model.fail_with = None
    model.script = [[update("notice_period", "2 months", "notice is 2 months")]]
    retried = client.post(f"{url}/retry", headers=auth)
    assert retried.status_code == 200
    assert retried.json()["record"]["fields"]["notice_period"]["value"] == "2 months"
    assert client.post(f"{url}/retry", headers=auth).status_code == 409


def test_streamed_turn_sends_progress_then_reply_and_record(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    opened = _open(client, auth)
    model.script = [[update("candidate_interest", "3", "a 3")]]
    with client.stream(
        "POST", f"/debriefs/{opened['id']}/messages/stream", json={"text": "a 3 I reckon"}, headers=auth
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line.split(": ", 1)[1] for line in response.iter_lines() if line.startswith("event:")]
    assert events[0] == "accepted"
    assert events[-2:] == ["reply", "record"]
    assert "captured" in events


def test_streamed_turn_with_bad_input_is_a_plain_4xx(client: TestClient, auth: dict[str, str]) -> None:
    opened = _open(client, auth)
    response = client.post(f"/debriefs/{opened['id']}/messages/stream", json={"text": ""}, headers=auth)
    assert response.status_code == 422
    assert json.loads(response.text)["detail"] == "message text is empty"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/debriefs/{debrief_id}/messages" in client.get("/openapi.json").json()["paths"]


def test_health_claims_only_what_it_checked(client: TestClient, model: ScriptedChatModel) -> None:
    """/health answers that the process is alive; it checks no model, so it never says the service is ok
    (before: {"status": "ok"} with the model down)."""
    model.fail_with = httpx.ConnectError("connection refused")
    health = client.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "alive"}


def test_a_model_failure_names_this_debriefs_retry_route(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    opened = _open(client, auth)
    model.fail_with = httpx.ConnectError("connection refused")
    down = client.post(f"/debriefs/{opened['id']}/messages", json={"text": "notice is 2 months"}, headers=auth)
    assert down.status_code == 503
    detail = down.json()["detail"]
    assert f"POST /debriefs/{opened['id']}/retry" in detail and "{id}" not in detail
    retried = client.post(f"/debriefs/{opened['id']}/retry", headers=auth)
    assert retried.status_code == 503 and f"/debriefs/{opened['id']}/retry" in retried.json()["detail"]


def test_a_model_server_restart_is_a_503_that_says_so_and_when_to_retry() -> None:
    exc = ModelRestarting("the model server stopped (killed by SIGSEGV) and is restarting")
    status, detail = status_and_detail(exc, "d1")
    assert status == 503
    assert "killed by SIGSEGV" in detail and "POST /debriefs/d1/retry" in detail and "/health/ready" in detail
    assert retry_after(exc) == 5
