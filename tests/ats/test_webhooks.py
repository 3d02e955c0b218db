"""Webhooks end to end against a receiver on loopback: an approval is delivered once, signed; retries
pause and give up; a replay resends the same event; a lease lost to a killed worker is taken over; a
recruiter sees only their own endpoints; nothing unapproved is sent."""

from __future__ import annotations

import contextlib
import json
import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.ats import record_event
from assistant.service import Service
from assistant.storage import OutboxEventRow, WebhookDeliveryRow
from tests.ats.flows import EMAIL, add_endpoint, approve, debrief_with_draft
from tests.support.fakes import ScriptedChatModel
from tests.support.standard_webhooks import verify
from tests.support.webhook_receiver import Receiver


def _count(service: Service, model: type[OutboxEventRow] | type[WebhookDeliveryRow]) -> int:
    with service.store.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_an_approval_is_delivered_once_signed_with_the_endpoint_secret(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    endpoint = add_endpoint(client, auth, receiver.url, events=["draft.approved"])
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    approve(client, auth, debrief_id, draft_id)

    assert service.courier.deliver_once().webhooks == 1
    assert service.courier.deliver_once().webhooks == 0
    [got] = receiver.received
    verify(endpoint["secret"], got.headers, got.body)
    payload = json.loads(got.body)
    assert payload["type"] == "draft.approved" and payload["version"] == 1
    assert payload["id"] == got.headers["webhook-id"]
    assert payload["data"]["draft_id"] == draft_id and payload["data"]["debrief_id"] == debrief_id
    assert payload["data"]["text"] == EMAIL

    [log] = client.get(f"/webhooks/{endpoint['id']}/deliveries", headers=auth).json()
    assert log["state"] == "delivered" and log["event_id"] == payload["id"]
    assert [a["status"] for a in log["log"]] == [200]


def test_nothing_is_queued_for_a_draft_that_is_written_edited_or_discarded(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    add_endpoint(client, auth, receiver.url)
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    client.put(f"/debriefs/{debrief_id}/drafts/{draft_id}", json={"text": EMAIL + "\nThanks."}, headers=auth)
    client.post(f"/debriefs/{debrief_id}/drafts/{draft_id}/discard", headers=auth)

    assert service.courier.deliver_once().webhooks == 0
    assert receiver.received == [] and _count(service, OutboxEventRow) == 0


def test_the_event_is_written_in_the_approval_transaction(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    """An approval that fails after its event was queued leaves neither the approval nor the event."""
    add_endpoint(client, auth, receiver.url)
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    queue = service.drafts.on_approved
    assert queue is not None

    def queue_then_fail(*args: object) -> None:
        queue(*args)  # type: ignore[arg-type]
        session = args[0]
        assert session.scalar(select(func.count()).select_from(OutboxEventRow)) == 1  # type: ignore[attr-defined]
        raise RuntimeError("the process failed mid-approval")

    service.drafts.on_approved = queue_then_fail
    with contextlib.suppress(RuntimeError):
        client.post(f"/debriefs/{debrief_id}/drafts/{draft_id}/approve", headers=auth,
                    json={"override_reason": "reviewed by hand before sending"})
    service.drafts.on_approved = queue
    assert client.get(f"/debriefs/{debrief_id}/drafts/{draft_id}", headers=auth).json()["status"] == "draft"
    assert _count(service, OutboxEventRow) == 0 and _count(service, WebhookDeliveryRow) == 0


def test_a_failing_receiver_is_retried_with_the_same_event_id_then_the_delivery_fails_and_can_be_replayed(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    endpoint = add_endpoint(client, auth, receiver.url)
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    receiver.statuses = [500, 503, 502]  # the schedule allows two retries: three tries in all
    approve(client, auth, debrief_id, draft_id)

    service.courier.deliver_once()
    assert len(set(receiver.ids())) == 1 and len(receiver.ids()) == 3
    [failed] = client.get(f"/webhooks/{endpoint['id']}/deliveries", headers=auth).json()
    assert failed["state"] == "failed" and [a["status"] for a in failed["log"]] == [500, 503, 502]

    replayed = client.post(f"/webhooks/{endpoint['id']}/deliveries/{failed['id']}/replay", headers=auth)
    assert replayed.status_code == 200 and replayed.json()["state"] == "pending"
    service.courier.deliver_once()
    assert receiver.ids() == [failed["event_id"]] * 4
    [delivered] = client.get(f"/webhooks/{endpoint['id']}/deliveries", headers=auth).json()
    assert delivered["state"] == "delivered"


def test_retries_wait_out_the_growing_pauses(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    service.courier.webhooks._settings = service.settings.ats.model_copy(update={"retry_schedule_s": [60, 600]})
    add_endpoint(client, auth, receiver.url)
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    receiver.statuses = [500]
    approve(client, auth, debrief_id, draft_id)

    service.courier.deliver_once()
    service.courier.deliver_once()
    assert len(receiver.received) == 1  # the retry is a minute away
    with service.store.session() as s:
        row = s.scalar(select(WebhookDeliveryRow))
        assert row is not None and row.state == "pending" and row.attempts == 1


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_its_lease(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    add_endpoint(client, auth, receiver.url)
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    approve(client, auth, debrief_id, draft_id)
    [stale] = service.courier.webhooks.claim()  # a worker that then dies without sending

    assert service.courier.deliver_once().webhooks == 0  # still held
    time.sleep(service.settings.ats.lease_s + 0.1)
    assert service.courier.deliver_once().webhooks == 1
    assert len(receiver.received) == 1
    # Were the dead worker to come back, its outcome would not be recorded over the new one.
    assert service.courier.webhooks.record(stale, service.courier.webhooks.send(service.courier.client(), stale)) \
        is False


def test_a_recruiter_sees_and_changes_only_their_own_endpoints(
    client: TestClient, auth: dict[str, str], service: Service, receiver: Receiver
) -> None:
    other = {"Authorization": f"Bearer {service.keys.add('other recruiter')}"}
    mine = add_endpoint(client, auth, receiver.url)
    add_endpoint(client, other, receiver.url)

    listed = client.get("/webhooks", headers=auth).json()
    assert [e["id"] for e in listed] == [mine["id"]] and listed[0]["secret"] is None
    for method, path in [("get", ""), ("delete", ""), ("get", "/deliveries")]:
        assert client.request(method, f"/webhooks/{mine['id']}{path}", headers=other).status_code == 404
    assert client.get(f"/webhooks/{mine['id']}", headers=auth).json()["secret"] == mine["secret"]
    assert client.delete(f"/webhooks/{mine['id']}", headers=auth).status_code == 204
    assert client.get("/webhooks", headers=auth).json() == []


def test_endpoint_urls_and_event_types_are_checked(client: TestClient, auth: dict[str, str], service: Service) -> None:
    assert client.post("/webhooks", json={"url": "ftp://example.com/x"}, headers=auth).status_code == 422
    assert client.post("/webhooks", json={"url": "https://example.com/x", "events": ["draft.sent"]},
                       headers=auth).status_code == 422
    service.webhooks._allow_private = False
    for url in ["http://example.com/hook", "https://127.0.0.1/hook", "https://10.0.0.5/hook", "https://localhost/x"]:
        assert client.post("/webhooks", json={"url": url}, headers=auth).status_code == 422, url
    assert client.post("/webhooks", json={"url": "https://ats.example.com/hook"}, headers=auth).status_code == 201


def test_an_erased_candidate_leaves_no_payload_to_send(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver
) -> None:
    add_endpoint(client, auth, receiver.url)
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    approve(client, auth, debrief_id, draft_id)
    assert _count(service, OutboxEventRow) == 1

    erased = client.delete("/candidates", params={"name": "sam  PATEL"}, headers=auth).json()
    assert erased["debriefs"] == 1 and erased["webhook_events"] == 1
    assert _count(service, OutboxEventRow) == 0 and _count(service, WebhookDeliveryRow) == 0
    assert service.courier.deliver_once().webhooks == 0 and receiver.received == []


def test_an_erasure_by_name_also_removes_other_events_whose_payload_names_the_candidate(
    client: TestClient, auth: dict[str, str], service: Service, receiver: Receiver
) -> None:
    add_endpoint(client, auth, receiver.url)
    recruiter = service.keys.authenticate(auth["Authorization"].removeprefix("Bearer "))
    other = service.keys.authenticate(service.keys.add("other recruiter"))
    with service.store.session() as s:
        for owner, text in [(recruiter.id, "Notes on Sam\n Patel's final round"), (recruiter.id, "Notes on Ann Lee"),
                            (other.id, "Notes on Sam Patel")]:
            record_event(s, owner, "draft.approved", {"text": text})
    assert _count(service, OutboxEventRow) == 2  # the other recruiter has no endpoint: nothing queued

    erased = client.delete("/candidates", params={"name": "Sam Patel"}, headers=auth).json()
    assert erased["webhook_events"] == 1 and erased["debriefs"] == 0
    service.courier.deliver_once()
    assert [json.loads(r.body)["data"]["text"] for r in receiver.received] == ["Notes on Ann Lee"]
