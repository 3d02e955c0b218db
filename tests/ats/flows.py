"""What the hand-off's tests share: a service that accepts loopback webhook endpoints and retries at
once, and a debrief with a draft a recruiter can approve."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from assistant.core import Settings
from tests.support.fakes import ScriptedChatModel, update

NOTES = (
    "Spoke to Priya at Halcyon about Sam Patel for the platform engineer role, final round. "
    "It's a no. They liked his system design but he couldn't explain how he'd run Kubernetes in production."
)
UPDATES = [
    update("candidate_name", "", "Sam Patel"),
    update("role_title", "", "platform engineer"),
    update("company", "", "Halcyon"),
    update("decision", "reject", "It's a no"),
    update("strengths", "", "liked his system design"),
    update("concerns", "", "couldn't explain how he'd run Kubernetes in production"),
]
EMAIL = (
    "Subject: Your final round with Halcyon\n\n"
    "Hi Sam,\n\n"
    "Thank you for your time at the final round for the platform engineer role at Halcyon. "
    "They liked your system design.\n\n"
    "Best regards,\nDev"
)
# Retries due almost at once, so a test sees the whole schedule in one delivery round.
QUICK = {"allow_private_urls": True, "retry_schedule_s": [0.001, 0.001], "lease_s": 0.5, "poll_interval_s": 0.05}


def quick_settings(settings: Settings, **ats: Any) -> Settings:
    return settings.overridden(ats={**QUICK, **ats})


def debrief_with_draft(client: TestClient, auth: dict[str, str], model: ScriptedChatModel) -> tuple[str, str]:
    model.script = [UPDATES, EMAIL]
    debrief_id: str = client.post("/debriefs", json={"kind": "client"}, headers=auth).json()["id"]
    turn = client.post(f"/debriefs/{debrief_id}/messages", json={"text": NOTES}, headers=auth)
    assert turn.status_code == 200, turn.text
    draft = client.post(f"/debriefs/{debrief_id}/drafts", json={"type": "candidate_feedback_email"}, headers=auth)
    assert draft.status_code == 201, draft.text
    return debrief_id, draft.json()["id"]


def approve(client: TestClient, auth: dict[str, str], debrief_id: str, draft_id: str) -> dict[str, Any]:
    approved = client.post(f"/debriefs/{debrief_id}/drafts/{draft_id}/approve", headers=auth,
                           json={"override_reason": "reviewed by hand before sending"})
    assert approved.status_code == 200, approved.text
    return approved.json()  # type: ignore[no-any-return]


def add_endpoint(client: TestClient, auth: dict[str, str], url: str, **body: Any) -> dict[str, Any]:
    added = client.post("/webhooks", json={"url": url, **body}, headers=auth)
    assert added.status_code == 201, added.text
    return added.json()  # type: ignore[no-any-return]
