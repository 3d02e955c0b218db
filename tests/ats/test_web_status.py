"""The web app's side of the hand-off: a debrief is linked from its page, and the draft page shows each
note's and each webhook's delivery status, with the reason when it failed."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.core import Settings
from assistant.service import Service
from tests.api.test_web_pages import PAGE, signed_in
from tests.ats.flows import add_endpoint, debrief_with_draft, quick_settings
from tests.support.fake_ats import KEY, FakeAts, fake_ats
from tests.support.fakes import ScriptedChatModel
from tests.support.webhook_receiver import Receiver


@pytest.fixture
def fake() -> Iterator[FakeAts]:
    with fake_ats() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, fake: FakeAts) -> Settings:
    return quick_settings(settings, greenhouse_api_key=KEY, greenhouse_on_behalf_of="4080",
                          greenhouse_base_url=f"{fake.url}/v1", retry_schedule_s=[60])


def test_the_draft_page_shows_each_notes_and_webhooks_status(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, fake: FakeAts,
    receiver: Receiver,
) -> None:
    add_endpoint(client, auth, receiver.url)
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    assert service.dev_key
    csrf = signed_in(client, service.dev_key)

    bad = client.post(f"/app/debriefs/{debrief_id}/ats-link", headers=PAGE,
                      data={"csrf_token": csrf, "ats": "greenhouse", "candidate_id": "not-a-number"})
    assert "is not a greenhouse id" in html.unescape(bad.text)
    linked = client.post(f"/app/debriefs/{debrief_id}/ats-link", headers=PAGE,
                         data={"csrf_token": csrf, "ats": "greenhouse", "candidate_id": "123"})
    assert "Linked" in linked.text and "<code>123</code>" in linked.text

    fake.fail["greenhouse"] = [503]
    approved = client.post(f"/app/debriefs/{debrief_id}/drafts/{draft_id}/approve", headers=PAGE,
                           data={"csrf_token": csrf, "override_reason": "reviewed by hand before sending"})
    assert "queued for your ATS" in approved.text
    service.courier.deliver_once()

    page = client.get(f"/app/debriefs/{debrief_id}/drafts/{draft_id}", headers=PAGE).text
    assert 'class="note-queued"' in page and "greenhouse answered 503" in page and "next try" in page
    assert 'class="delivery-delivered"' in page and receiver.url in page

    note = client.get(f"/debriefs/{debrief_id}/ats-notes", headers=auth).json()[0]
    client.post(f"/debriefs/{debrief_id}/ats-notes/{note['id']}/retry", headers=auth)
    service.courier.deliver_once()
    page = client.get(f"/app/debriefs/{debrief_id}/drafts/{draft_id}", headers=PAGE).text
    assert 'class="note-sent"' in page and "answered 503" not in page
