"""Drafts through the API with a scripted model: grounding, disclosure, approval, audit, export."""

from __future__ import annotations

import email
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.service import Service
from assistant.storage.store import AuditRow
from tests.support.fakes import ScriptedChatModel, update

CLIENT_NOTES = (
    "Spoke to Priya at Halcyon about Sam Patel for the platform engineer role, final round. "
    "It's a no. They liked his system design but he couldn't explain how he'd run Kubernetes in production, "
    "and they now want someone who has run Kubernetes in production. "
    "She also said he seemed too old for the team."
)
CLIENT_UPDATES = [
    update("candidate_name", "", "Sam Patel"),
    update("role_title", "", "platform engineer"),
    update("company", "", "Halcyon"),
    update("interview_stage", "", "final round"),
    update("decision", "reject", "It's a no"),
    update("strengths", "", "liked his system design"),
    update("concerns", "", "couldn't explain how he'd run Kubernetes in production"),
    update("requirement_changes", "", "now want someone who has run Kubernetes in production"),
    update("concerns", "", "he seemed too old for the team"),
]

GOOD_EMAIL = (
    "Subject: Your final round with Halcyon\n\n"
    "Hi Sam,\n\n"
    "Thank you for your time at the final round for the platform engineer role at Halcyon. "
    "Unfortunately they will not be taking your application further. "
    "They liked your system design. "
    "They would have liked more depth on running Kubernetes in production.\n\n"
    "Best regards,\nDev"
)


def _debrief(client: TestClient, auth: dict[str, str]) -> str:
    debrief_id: str = client.post("/debriefs", json={"kind": "client"}, headers=auth).json()["id"]
    turn = client.post(f"/debriefs/{debrief_id}/messages", json={"text": CLIENT_NOTES}, headers=auth)
    assert turn.status_code == 200, turn.text
    return debrief_id


def _draft(client: TestClient, auth: dict[str, str], debrief_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/debriefs/{debrief_id}/drafts", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_grounded_email_cites_the_record_and_an_invented_fact_is_flagged(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    invented = GOOD_EMAIL.replace(
        "They liked your system design.",
        "They liked your system design. They were also impressed by your Terraform certification from 2019.",
    )
    model.script = [CLIENT_UPDATES, invented]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")

    assert draft["status"] == "draft" and draft["author"] == "scripted"
    sentences = {s["text"]: s for s in draft["current"]["grounding"]}
    assert sentences["They liked your system design."]["status"] == "supported"
    assert "strengths[0]" in sentences["They liked your system design."]["refs"]
    flagged = sentences["They were also impressed by your Terraform certification from 2019."]
    assert flagged["status"] == "unsupported"
    assert {"terraform", "2019"} <= set(flagged["unsupported"])


def test_the_candidate_draft_never_sees_the_budget_or_the_protected_remark(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [CLIENT_UPDATES, GOOD_EMAIL]
    debrief_id = _debrief(client, auth)
    record = client.get(f"/debriefs/{debrief_id}", headers=auth).json()["record"]
    assert record["fields"]["compliance_flags"]["value"], "the age remark is a compliance flag"

    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    prompt = "\n".join(str(m.content) for m in model.calls[-1])
    assert "95" not in prompt and "too old" not in prompt
    assert any("protected characteristic" in n for n in draft["notices"])
    assert draft["current"]["blocking"] == 0


def test_the_hiring_managers_words_copied_verbatim_are_blocking(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    leaky = GOOD_EMAIL.replace("They liked your system design.",
                               "In their words, he couldn't explain how he'd run Kubernetes in production.")
    model.script = [CLIENT_UPDATES, leaky]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    raw = [f for f in draft["current"]["findings"] if f["rule"] == "disclosure.raw_remark"]
    assert raw and raw[0]["severity"] == "blocking" and "run Kubernetes in production" in raw[0]["text"]


def test_a_leaked_budget_blocks_approval_until_overridden_with_a_reason(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    notes = ("Sam Patel, platform engineer at Halcyon, final round: wants 100k, their budget tops out at 95k. "
             "Strong on system design, shaky on running Kubernetes in production.")
    leaky = GOOD_EMAIL.replace("They liked your system design.", "The budget is £95,000, below what you asked.")
    model.script = [[
        update("candidate_name", "", "Sam Patel"),
        update("role_title", "", "platform engineer"),
        update("company", "", "Halcyon"),
        update("interview_stage", "", "final round"),
        update("strengths", "", "Strong on system design"),
        update("weak_areas", "", "shaky on running Kubernetes in production"),
        update("compensation_expected", "100k", "wants 100k"),
        update("compensation_budget_max", "95k", "their budget tops out at 95k"),
    ], leaky]
    debrief_id = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()["id"]
    client.post(f"/debriefs/{debrief_id}/messages", json={"text": notes}, headers=auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    budget = [f for f in draft["current"]["findings"] if f["rule"] == "disclosure.budget"]
    assert budget and budget[0]["text"].strip() == "£95,000"

    url = f"/debriefs/{debrief_id}/drafts/{draft['id']}"
    assert client.post(f"{url}/approve").status_code == 401
    refused = client.post(f"{url}/approve", headers=auth)
    assert refused.status_code == 409 and "salary budget" in refused.json()["detail"]
    too_short = client.post(f"{url}/approve", json={"override_reason": "fine"}, headers=auth)
    assert too_short.status_code == 409

    reason = "Candidate was told the band at the first call; the quote is his own feedback to us."
    approved = client.post(f"{url}/approve", json={"override_reason": reason}, headers=auth)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    events = client.get(f"/debriefs/{debrief_id}/audit", headers=auth).json()["events"]
    assert events[-1]["action"] == "draft.approved"
    assert events[-1]["details"]["override_reason"] == reason
    assert "disclosure.budget" in events[-1]["details"]["overridden"]


def test_editing_keeps_versions_rechecks_and_approval_exports_an_email(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [CLIENT_UPDATES, GOOD_EMAIL]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    url = f"/debriefs/{debrief_id}/drafts/{draft['id']}"
    assert client.get(f"{url}/export", headers=auth).status_code == 422  # not approved yet

    edited_text = GOOD_EMAIL.replace("Best regards", "He is too old for us anyway.\n\nBest regards")
    edited = client.put(url, json={"text": edited_text}, headers=auth).json()
    assert edited["status"] == "edited" and edited["versions"] == 2 and edited["model_text"] == GOOD_EMAIL
    assert any(f["rule"].startswith("protected.age") for f in edited["current"]["findings"])
    assert client.post(f"{url}/approve", headers=auth).status_code == 409

    client.put(url, json={"text": GOOD_EMAIL.replace("Hi Sam", "Dear Sam")}, headers=auth)
    assert client.post(f"{url}/approve", headers=auth).json()["status"] == "approved"
    assert client.put(url, json={"text": "changed after approval"}, headers=auth).status_code == 409

    exported = client.get(f"{url}/export", headers=auth)
    assert exported.headers["content-type"].startswith("message/rfc822")
    message = email.message_from_bytes(exported.content)
    assert message["Subject"] == "Your final round with Halcyon"
    assert "Dear Sam" in message.get_payload(decode=True).decode()  # type: ignore[union-attr]

    actions = [e["action"] for e in client.get(f"/debriefs/{debrief_id}/audit", headers=auth).json()["events"]]
    assert actions == ["draft.created", "draft.edited", "draft.edited", "draft.approved", "draft.exported"]


def test_the_audit_chain_detects_an_edited_row(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    model.script = [CLIENT_UPDATES, GOOD_EMAIL]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    client.post(f"/debriefs/{debrief_id}/drafts/{draft['id']}/discard", headers=auth)
    assert client.get(f"/debriefs/{debrief_id}/audit", headers=auth).json()["intact"] is True

    with service.store.session() as s:
        first = s.scalars(select(AuditRow).where(AuditRow.debrief_id == debrief_id).order_by(AuditRow.seq)).first()
        assert first is not None
        first.details = {**first.details, "model": "someone-else"}
    log = client.get(f"/debriefs/{debrief_id}/audit", headers=auth).json()
    assert log["intact"] is False and log["broken_at"] == 0


def test_a_revised_spec_lists_its_changes_with_the_evidence_behind_them(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    original = (
        "# Platform Engineer\n\n## Requirements\n- 3+ years of Python\n- Experience with AWS\n"
        "- Kubernetes is a nice-to-have\n- Comfortable presenting to large audiences\n"
    )
    revised = (
        "# Platform Engineer\n\n## Requirements\n- 3+ years of Python\n- Experience with AWS\n"
        "- Has run Kubernetes in production (must-have)\n"
    )
    model.script = [CLIENT_UPDATES, revised]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="revised_job_spec", original_spec=original)
    changes = draft["current"]["redline"]
    kinds = sorted(c["kind"] for c in changes)
    assert kinds in (["changed", "removed"], ["added", "removed", "removed"])
    k8s = next(c for c in changes if c["after"] and "Kubernetes" in c["after"])
    assert k8s["cause"]["field"] == "requirement_changes"
    assert "Kubernetes in production" in k8s["cause"]["quote"]
    assert not any(f["rule"] == "disclosure.candidate_in_spec" for f in draft["current"]["findings"])


def test_a_spec_draft_needs_the_original_and_other_types_refuse_one(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [CLIENT_UPDATES]
    debrief_id = _debrief(client, auth)
    url = f"/debriefs/{debrief_id}/drafts"
    assert client.post(url, json={"type": "revised_job_spec"}, headers=auth).status_code == 422
    assert client.post(url, json={"type": "client_follow_up", "original_spec": "x"}, headers=auth).status_code == 422
    assert client.post(url, json={"type": "poem"}, headers=auth).status_code == 422


def test_an_uploaded_spec_file_is_read_and_a_pdf_refused(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [CLIENT_UPDATES, "# Platform Engineer\n\n- Has run Kubernetes in production\n"]
    debrief_id = _debrief(client, auth)
    url = f"/debriefs/{debrief_id}/drafts/upload"
    spec = b"# Platform Engineer\n\n- Kubernetes is a nice-to-have\n"
    made = client.post(url, files={"file": ("spec.md", spec, "text/markdown")}, headers=auth)
    assert made.status_code == 201, made.text
    assert made.json()["type"] == "revised_job_spec" and made.json()["current"]["redline"]
    pdf = client.post(url, files={"file": ("spec.pdf", b"%PDF-1.7", "application/pdf")}, headers=auth)
    assert pdf.status_code == 422


def test_when_the_model_is_down_a_template_draft_is_still_produced(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [CLIENT_UPDATES]
    debrief_id = _debrief(client, auth)
    model.fail_with = ConnectionError("connection refused")
    draft = _draft(client, auth, debrief_id, type="client_follow_up")
    assert draft["author"] == "template"
    assert any("template" in n for n in draft["notices"])
    text = draft["current"]["text"]
    assert "Sam Patel" in text and "Kubernetes in production" in text
    assert not draft["current"]["blocking"]


def test_a_model_draft_that_the_record_does_not_support_is_replaced_by_the_template(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    made_up = (
        "Subject: Great news\n\nHi Sam,\n\nHalcyon loved your Rust compiler work at Mozilla. "
        "They will offer 140k with a start on 3 March. Their CTO Jane Smith will call on Friday.\n\nDev"
    )
    model.script = [CLIENT_UPDATES, made_up]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    assert draft["author"] == "template" and "Mozilla" not in draft["current"]["text"]
    assert any("does not support" in n for n in draft["notices"])
    created = client.get(f"/debriefs/{debrief_id}/audit", headers=auth).json()["events"][0]
    assert created["details"]["rejected_model_text"].strip() == made_up


def test_links_images_and_markup_are_removed_from_a_model_draft(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [CLIENT_UPDATES, GOOD_EMAIL.replace(
        "Best regards", "![x](http://evil.example/p.png) <b>Book</b> [here](https://evil.example/x)\n\nBest regards")]
    debrief_id = _debrief(client, auth)
    text = _draft(client, auth, debrief_id, type="candidate_feedback_email")["current"]["text"]
    assert "evil.example" not in text and "<b>" not in text and "here" in text


def test_another_recruiter_cannot_see_or_decide_on_a_draft(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    model.script = [CLIENT_UPDATES, GOOD_EMAIL]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    other = {"Authorization": f"Bearer {service.keys.add('other recruiter')}"}
    url = f"/debriefs/{debrief_id}/drafts/{draft['id']}"
    assert client.get(url, headers=other).status_code == 404
    assert client.post(f"{url}/approve", headers=other).status_code == 404
    assert client.get(f"/debriefs/{debrief_id}/audit", headers=other).status_code == 404
    assert client.post(f"/debriefs/{debrief_id}/drafts", json={"type": "client_follow_up"},
                       headers=other).status_code == 404


def test_another_candidates_name_in_a_candidate_draft_is_blocking(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [[update("candidate_name", "", "Lena Okafor")], CLIENT_UPDATES,
                    GOOD_EMAIL.replace("Best regards", "Lena Okafor got the job.\n\nBest regards")]
    other_id = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()["id"]
    client.post(f"/debriefs/{other_id}/messages", json={"text": "call with Lena Okafor"}, headers=auth)
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    assert any(f["rule"] == "disclosure.other_candidate" and f["severity"] == "blocking"
               for f in draft["current"]["findings"])


def test_the_draft_streams_deltas_then_the_checked_draft(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    model.script = [CLIENT_UPDATES, GOOD_EMAIL]
    debrief_id = _debrief(client, auth)
    with client.stream("POST", f"/debriefs/{debrief_id}/drafts/stream",
                       json={"type": "candidate_coaching_note"}, headers=auth) as response:
        body = "".join(response.iter_text())
    events = [line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("event: ")]
    assert events[0] == "accepted" and "delta" in events and events[-1] == "draft"


def test_erasing_a_debrief_empties_its_audit_details_and_the_chain_still_verifies(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    from assistant.storage import audit

    model.script = [CLIENT_UPDATES, GOOD_EMAIL]
    debrief_id = _debrief(client, auth)
    draft = _draft(client, auth, debrief_id, type="candidate_feedback_email")
    client.put(f"/debriefs/{debrief_id}/drafts/{draft['id']}", json={"text": GOOD_EMAIL + "\nP.S. Sam"},
               headers=auth)
    assert client.delete(f"/debriefs/{debrief_id}", headers=auth).status_code == 204

    with service.store.session() as s:
        chain = audit.events(s, debrief_id)
    assert [e.action for e in chain] == ["draft.created", "draft.edited", "debrief.erased"]
    assert all("Sam" not in str(e.details) for e in chain)
    assert audit.verify(debrief_id, chain).intact
    tampered = [chain[0], chain[1].__class__(**{**chain[1].__dict__, "action": "draft.approved"}), chain[2]]
    assert audit.verify(debrief_id, tampered).broken_at == 1


def test_drafts_in_an_interview_draw_on_both_sides_and_cite_which(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    interview = client.post("/interviews", json={"candidate_name": "Sam Patel", "company": "Halcyon"},
                            headers=auth).json()["id"]
    client_side = client.post("/debriefs", json={"kind": "client", "interview_id": interview}, headers=auth).json()
    candidate_side = client.post("/debriefs", json={"kind": "candidate", "interview_id": interview},
                                 headers=auth).json()
    model.script = [
        CLIENT_UPDATES,
        [update("requirement_changes", "", "the team also wants Terraform ownership from day one")],
        "# Platform Engineer\n\n- Has run Kubernetes in production\n- Owns Terraform from day one\n",
        "Subject: Your interview\n\nHi Sam,\n\nHalcyon will not take this further. They liked your system design."
        " In their words, he couldn't explain how he'd run Kubernetes in production.\n\nBest regards,\nDev",
    ]
    client.post(f"/debriefs/{client_side['id']}/messages", json={"text": CLIENT_NOTES}, headers=auth)
    client.post(f"/debriefs/{candidate_side['id']}/messages",
                json={"text": "Sam says the team also wants Terraform ownership from day one"}, headers=auth)

    spec = _draft(client, auth, client_side["id"], type="revised_job_spec",
                  original_spec="# Platform Engineer\n\n- Kubernetes is a nice-to-have\n")
    causes = {c["after"]: c["cause"] for c in spec["current"]["redline"] if c["after"]}
    assert causes["Has run Kubernetes in production"]["side"] == "client"
    assert causes["Owns Terraform from day one"]["side"] == "candidate"
    prompt = "\n".join(str(m.content) for m in model.calls[-1])
    assert "Requirement change (candidate side): the team also wants Terraform ownership" in prompt

    # The candidate's email, drafted from the candidate side, has the client's verdicts, not their words.
    email = _draft(client, auth, candidate_side["id"], type="candidate_feedback_email")
    prompt = "\n".join(str(m.content) for m in model.calls[-1])
    assert "Went well (client side): liked his system design" in prompt and "too old" not in prompt
    assert any("protected characteristic" in n for n in email["notices"])
    assert any(f["rule"] == "disclosure.raw_remark" for f in email["current"]["findings"])
