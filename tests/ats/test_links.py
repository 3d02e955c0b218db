"""ATS links on debriefs and interviews: checked against each ATS's id shape, the interview's used by
its debriefs, and carried in the events' payloads."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.ats import checked
from assistant.core import InvalidInput
from assistant.service import Service
from tests.ats.flows import add_endpoint, approve, debrief_with_draft
from tests.support.fakes import ScriptedChatModel
from tests.support.webhook_receiver import Receiver

UUID = "3f1c9a52-8a0e-4d43-9a57-2f1f6f0c1e11"


@pytest.mark.parametrize(("ats", "ids"), [
    ("greenhouse", {"candidate_id": "123", "application_id": "456", "job_id": "789"}),
    ("lever", {"candidate_id": UUID, "application_id": UUID}),
    ("ashby", {"candidate_id": UUID, "job_id": UUID.upper().lower()}),
])
def test_ids_of_the_right_shape_are_accepted(ats: str, ids: dict[str, str]) -> None:
    link = checked(ats, **ids)
    assert link.ats == ats and link.candidate_id == ids["candidate_id"]


@pytest.mark.parametrize(("ats", "ids", "words"), [
    ("greenhouse", {"candidate_id": "abc"}, "candidate_id 'abc' is not a greenhouse id"),
    ("greenhouse", {"candidate_id": "12", "job_id": UUID}, "job_id"),
    ("lever", {"candidate_id": "123"}, "not a lever id"),
    ("ashby", {"candidate_id": UUID, "application_id": "../../admin"}, "application_id"),
    ("ashby", {"candidate_id": "  "}, "needs the candidate's id"),
    ("workday", {"candidate_id": "1"}, "ats must be one of"),
])
def test_ids_of_the_wrong_shape_are_refused(ats: str, ids: dict[str, str], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        checked(ats, **ids)


def test_a_link_is_set_read_and_removed_through_the_api(
    client: TestClient, auth: dict[str, str], service: Service
) -> None:
    debrief_id = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()["id"]
    assert client.get(f"/debriefs/{debrief_id}/ats-link", headers=auth).json() is None
    assert client.put(f"/debriefs/{debrief_id}/ats-link", json={"ats": "lever", "candidate_id": "42"},
                      headers=auth).status_code == 422
    body = {"ats": "lever", "candidate_id": UUID, "application_id": UUID}
    assert client.put(f"/debriefs/{debrief_id}/ats-link", json=body, headers=auth).status_code == 200
    assert client.get(f"/debriefs/{debrief_id}/ats-link", headers=auth).json() == {**body, "job_id": None}
    assert client.delete(f"/debriefs/{debrief_id}/ats-link", headers=auth).status_code == 204
    assert client.get(f"/debriefs/{debrief_id}/ats-link", headers=auth).json() is None


def test_a_debrief_uses_its_interviews_link_and_the_event_carries_it(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    add_endpoint(client, auth, receiver.url, events=["draft.approved"])
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    interview_id = client.post("/interviews", json={"candidate_name": "Sam Patel"}, headers=auth).json()["id"]
    client.post(f"/interviews/{interview_id}/debriefs", json={"debrief_id": debrief_id}, headers=auth)
    link = {"ats": "greenhouse", "candidate_id": "123", "application_id": "456", "job_id": None}
    assert client.put(f"/interviews/{interview_id}/ats-link", json=link, headers=auth).status_code == 200
    assert client.get(f"/debriefs/{debrief_id}/ats-link", headers=auth).json() == link

    approve(client, auth, debrief_id, draft_id)
    service.courier.deliver_once()
    [got] = receiver.received
    assert json.loads(got.body)["data"]["ats"] == link
