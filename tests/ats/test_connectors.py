"""The ATS connectors against local fakes of each vendor's API (no network): the request each sends,
what it makes of the answer, and an approved draft posted to the linked candidate's profile, with its
status on the way."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.ats import Ashby, ConnectorError, Greenhouse, Lever
from assistant.core import Settings
from assistant.service import Service
from tests.ats.flows import EMAIL, approve, debrief_with_draft, quick_settings
from tests.support.fake_ats import KEY, FakeAts, fake_ats
from tests.support.fakes import ScriptedChatModel

OPPORTUNITY = "3f1c9a52-8a0e-4d43-9a57-2f1f6f0c1e11"
ASHBY_CANDIDATE = "5b0f5c86-7e9e-4b5e-8d0c-6ad1b9a0c4f2"


@pytest.fixture
def fake() -> Iterator[FakeAts]:
    with fake_ats() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, fake: FakeAts) -> Settings:
    return quick_settings(
        settings, greenhouse_api_key=KEY, greenhouse_on_behalf_of="4080", greenhouse_base_url=f"{fake.url}/v1",
        lever_api_key=KEY, lever_perform_as="8d49b010-cc6a-4f40-ace5-e86061c677ed", lever_base_url=f"{fake.url}/v1",
        ashby_api_key=KEY, ashby_base_url=fake.url,
    )


def _basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def test_greenhouse_posts_an_activity_feed_note_on_behalf_of_the_user(fake: FakeAts) -> None:
    with httpx.Client() as client:
        note_id = Greenhouse(KEY, "4080", f"{fake.url}/v1").post_note(client, {"candidate_id": "123"}, "Hello")
    [sent] = fake.requests
    assert sent.path == "/v1/candidates/123/activity_feed/notes"
    assert sent.headers["on-behalf-of"] == "4080" and sent.headers["authorization"] == _basic(KEY)
    assert sent.body == {"user_id": 4080, "body": "Hello", "visibility": "private"}
    assert note_id == "226809052"


def test_lever_posts_a_note_on_the_opportunity_as_the_user(fake: FakeAts) -> None:
    with httpx.Client() as client:
        note_id = Lever(KEY, f"{fake.url}/v1", perform_as="u-1").post_note(
            client, {"candidate_id": "ignored-when-an-application-is-given", "application_id": OPPORTUNITY}, "Hi")
    [sent] = fake.requests
    assert sent.path == f"/v1/opportunities/{OPPORTUNITY}/notes" and sent.query == {"perform_as": ["u-1"]}
    assert sent.headers["authorization"] == _basic(KEY) and sent.body == {"value": "Hi"}
    assert note_id == "a1b2c3d4-0000-4000-8000-000000000001"


def test_ashby_creates_a_candidate_note_and_reads_a_refusal_from_a_200(fake: FakeAts) -> None:
    ashby = Ashby(KEY, fake.url)
    with httpx.Client() as client:
        note_id = ashby.post_note(client, {"candidate_id": ASHBY_CANDIDATE}, "Hi")
        assert note_id == "f0e1d2c3-0000-4000-8000-000000000002"
        fake.ashby_refuses = True
        with pytest.raises(ConnectorError, match="candidate_not_found") as refused:
            ashby.post_note(client, {"candidate_id": ASHBY_CANDIDATE}, "Hi")
    assert not refused.value.retryable
    sent = fake.requests[0]
    assert sent.path == "/candidate.createNote" and sent.headers["authorization"] == _basic(KEY)
    assert sent.body == {"candidateId": ASHBY_CANDIDATE, "note": {"type": "text/plain", "value": "Hi"},
                         "sendNotifications": False}


@pytest.mark.parametrize(("status", "retryable", "words"), [
    (503, True, "503"), (429, True, "rate limited"), (401, False, "API key was refused"),
    (404, False, "no such candidate"),
])
def test_an_error_says_what_went_wrong_and_whether_a_retry_can_help(
    fake: FakeAts, status: int, retryable: bool, words: str
) -> None:
    fake.fail["greenhouse"] = [status]
    with httpx.Client() as client, pytest.raises(ConnectorError, match=words) as failed:
        Greenhouse(KEY, "4080", f"{fake.url}/v1").post_note(client, {"candidate_id": "123"}, "Hello")
    assert failed.value.retryable is retryable


def test_an_unreachable_ats_is_retryable() -> None:
    with httpx.Client() as client, pytest.raises(ConnectorError, match="could not be reached") as failed:
        Lever(KEY, "http://127.0.0.1:9/v1").post_note(client, {"candidate_id": OPPORTUNITY}, "Hi")
    assert failed.value.retryable


@pytest.mark.parametrize(("ats", "candidate_id", "path"), [
    ("greenhouse", "123", "/v1/candidates/123/activity_feed/notes"),
    ("lever", OPPORTUNITY, f"/v1/opportunities/{OPPORTUNITY}/notes"),
    ("ashby", ASHBY_CANDIDATE, "/candidate.createNote"),
])
def test_an_approved_draft_is_posted_to_the_linked_candidate_once(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, fake: FakeAts,
    ats: str, candidate_id: str, path: str,
) -> None:
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    linked = client.put(f"/debriefs/{debrief_id}/ats-link", json={"ats": ats, "candidate_id": candidate_id},
                        headers=auth)
    assert linked.status_code == 200, linked.text
    assert service.courier.deliver_once().notes == 0  # nothing before the approval
    approve(client, auth, debrief_id, draft_id)

    assert service.courier.deliver_once().notes == 1
    assert service.courier.deliver_once().notes == 0
    [sent] = fake.requests
    assert sent.path == path
    text = {"greenhouse": lambda b: b["body"], "lever": lambda b: b["value"],
            "ashby": lambda b: b["note"]["value"]}[ats](sent.body)
    assert text.endswith(EMAIL) and text.startswith("Debrief: feedback email to the candidate")
    [note] = client.get(f"/debriefs/{debrief_id}/ats-notes", headers=auth).json()
    assert note["state"] == "sent" and note["remote_id"] and note["last_error"] is None


def test_a_failing_ats_keeps_the_note_queued_with_the_reason_until_a_retry_succeeds(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, fake: FakeAts
) -> None:
    service.courier.notes._settings = service.settings.ats.model_copy(update={"retry_schedule_s": [60]})
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    client.put(f"/debriefs/{debrief_id}/ats-link", json={"ats": "greenhouse", "candidate_id": "123"}, headers=auth)
    fake.fail["greenhouse"] = [503]
    approve(client, auth, debrief_id, draft_id)

    service.courier.deliver_once()
    [note] = client.get(f"/debriefs/{debrief_id}/ats-notes", headers=auth).json()
    assert note["state"] == "queued" and note["attempts"] == 1 and "greenhouse answered 503" in note["last_error"]
    assert note["next_attempt_at"] is not None

    retried = client.post(f"/debriefs/{debrief_id}/ats-notes/{note['id']}/retry", headers=auth)
    assert retried.status_code == 200
    service.courier.deliver_once()
    [note] = client.get(f"/debriefs/{debrief_id}/ats-notes", headers=auth).json()
    assert note["state"] == "sent" and len(fake.requests) == 2


def test_a_refused_note_is_marked_failed_and_an_unconfigured_ats_waits(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, fake: FakeAts
) -> None:
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    client.put(f"/debriefs/{debrief_id}/ats-link", json={"ats": "greenhouse", "candidate_id": "123"}, headers=auth)
    fake.fail["greenhouse"] = [401]
    approve(client, auth, debrief_id, draft_id)
    service.courier.deliver_once()
    [note] = client.get(f"/debriefs/{debrief_id}/ats-notes", headers=auth).json()
    assert note["state"] == "failed" and "API key was refused" in note["last_error"]

    service.courier.notes._connectors = {}
    client.post(f"/debriefs/{debrief_id}/ats-notes/{note['id']}/retry", headers=auth)
    service.courier.notes._settings = service.settings.ats.model_copy(update={"retry_schedule_s": [60]})
    service.courier.deliver_once()
    [note] = client.get(f"/debriefs/{debrief_id}/ats-notes", headers=auth).json()
    assert note["state"] == "queued" and "DEBRIEF_ATS_GREENHOUSE_API_KEY" in note["last_error"]


def test_a_revised_job_spec_is_not_posted_to_a_candidate(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, fake: FakeAts
) -> None:
    debrief_id, _ = debrief_with_draft(client, auth, model)
    client.put(f"/debriefs/{debrief_id}/ats-link", json={"ats": "greenhouse", "candidate_id": "123"}, headers=auth)
    model.script = ["# Platform engineer\n\n- Runs Kubernetes in production"]
    model._iterator = None
    spec = client.post(f"/debriefs/{debrief_id}/drafts", json={"type": "revised_job_spec",
                                                              "original_spec": "# Platform engineer\n- Python"},
                       headers=auth).json()
    approve(client, auth, debrief_id, spec["id"])
    assert service.courier.deliver_once().notes == 0 and fake.requests == []
