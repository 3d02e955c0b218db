"""debrief.completed and interview.reconciled: sent once, when the turn that leaves nothing to ask is
stored, and the interview's when its second side completes; their payloads name fields, never values."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from assistant.service import Service
from assistant.storage import DebriefRow
from tests.ats.flows import add_endpoint
from tests.support.fakes import ScriptedChatModel
from tests.support.webhook_receiver import Receiver

NAME = "Sam Patel"


def _complete(client: TestClient, auth: dict[str, str], service: Service, debrief_id: str) -> int:
    """Answer 'nothing more' until the flow has nothing left to ask; returns the turns it took."""
    for turn in range(1, 30):
        sent = client.post(f"/debriefs/{debrief_id}/messages", json={"text": "Nothing more on that."}, headers=auth)
        assert sent.status_code == 200, sent.text
        with service.store.session() as s:
            row = s.get(DebriefRow, debrief_id)
            assert row is not None
            if row.flow_state.get("asked") is None:
                return turn
    raise AssertionError("the flow never completed")


def _events(service: Service, receiver: Receiver) -> list[dict[str, object]]:
    service.courier.deliver_once()
    return [json.loads(r.body) for r in receiver.received]


def test_each_side_completing_sends_its_event_once_and_the_second_sends_the_interviews(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    model.script = []
    add_endpoint(client, auth, receiver.url, events=["debrief.completed", "interview.reconciled"])
    interview_id = client.post("/interviews", json={"candidate_name": NAME}, headers=auth).json()["id"]
    sides = {}
    for side in ("candidate", "client"):
        sides[side] = client.post("/debriefs", json={"kind": side, "candidate_name": NAME}, headers=auth).json()["id"]
        assert client.post(f"/interviews/{interview_id}/debriefs", json={"debrief_id": sides[side]},
                           headers=auth).status_code == 200

    assert _complete(client, auth, service, sides["candidate"]) > 1
    [first] = _events(service, receiver)
    assert first["type"] == "debrief.completed"
    assert first["data"]["debrief_id"] == sides["candidate"] and first["data"]["side"] == "candidate"  # type: ignore[index]
    assert "candidate_name" in first["data"]["fields_filled"]  # type: ignore[index]

    client.post(f"/debriefs/{sides['candidate']}/messages", json={"text": "One more thing."}, headers=auth)
    assert len(_events(service, receiver)) == 1  # completed once, not at every later turn

    _complete(client, auth, service, sides["client"])
    events = _events(service, receiver)
    # The second side's two events leave together through parallel senders: no order between them.
    assert sorted(e["type"] for e in events) == ["debrief.completed", "debrief.completed", "interview.reconciled"]
    [reconciled] = [e["data"] for e in events if e["type"] == "interview.reconciled"]
    assert reconciled == {"interview_id": interview_id, "debrief_ids": sides, "ats": None}
    assert not any(NAME in r.body.decode() for r in receiver.received)
