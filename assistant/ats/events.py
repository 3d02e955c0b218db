"""The events a recruiter's webhooks receive, written to the outbox in the transaction of the change they
report: an approval that commits has its event, one that rolls back has none.

Payloads carry only what a recruiter approved: `draft.approved` the approved text; `debrief.completed` and
`interview.reconciled` ids, ATS links and which fields are filled, never a value or a quote.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.ats.links import link_of_debrief, link_of_interview
from assistant.core import Record
from assistant.storage import (
    DebriefRow,
    DraftRow,
    InterviewDebriefRow,
    OutboxEventRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)

EventType = Literal["debrief.completed", "draft.approved", "interview.reconciled"]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
# Bumped only when a field changes meaning or goes away; new fields may appear within a version.
SCHEMA_VERSION = 1


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def body(event_id: str, event_type: str, at: datetime, data: dict[str, Any]) -> str:
    """The exact bytes sent: compact, keys sorted, so a replay signs and sends the same text."""
    payload = {"id": event_id, "type": event_type, "version": SCHEMA_VERSION,
               "timestamp": at.astimezone(UTC).isoformat().replace("+00:00", "Z"), "data": data}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record(session: Session, recruiter_id: str, event_type: EventType, data: dict[str, Any],
           debrief_id: str | None = None, interview_id: str | None = None) -> str | None:
    """Queue the event for each of the recruiter's active endpoints that subscribe to it; nothing is
    written when none does. Returns the event's id, or None."""
    endpoints = [e for e in session.scalars(select(WebhookEndpointRow).where(
        WebhookEndpointRow.recruiter_id == recruiter_id, WebhookEndpointRow.active.is_(True)))
        if event_type in e.events]
    if not endpoints:
        return None
    event_id, now = new_event_id(), datetime.now(UTC)
    session.add(OutboxEventRow(id=event_id, recruiter_id=recruiter_id, type=event_type, debrief_id=debrief_id,
                               interview_id=interview_id, body=body(event_id, event_type, now, data),
                               created_at=now))
    session.flush()
    for endpoint in endpoints:
        session.add(WebhookDeliveryRow(event_id=event_id, endpoint_id=endpoint.id, next_attempt_at=now))
    return event_id


def draft_approved(session: Session, recruiter_id: str, row: DraftRow) -> str | None:
    link = link_of_debrief(session, row.debrief_id)
    version = row.versions[-1]
    return record(session, recruiter_id, "draft.approved", {
        "debrief_id": row.debrief_id, "draft_id": row.id, "draft_type": row.kind, "draft_version": version.number,
        "text": version.text, "approved_by": recruiter_id, "override_reason_given": row.override_reason is not None,
        "ats": link.to_json() if link else None,
    }, debrief_id=row.debrief_id)


def debrief_completed(session: Session, row: DebriefRow) -> list[str]:
    """The debrief's event, and the interview's when this was the second of its two sides to complete."""
    record_ = Record.model_validate(row.record)
    link = link_of_debrief(session, row.id)
    ids = [record(session, row.recruiter_id, "debrief.completed", {
        "debrief_id": row.id, "side": row.kind, "completeness": record_.completeness,
        "fields_filled": sorted(name for name in record_.fields if record_.is_filled(name)),
        "ats": link.to_json() if link else None,
    }, debrief_id=row.id)]
    ids.append(_interview_reconciled(session, row))
    return [i for i in ids if i]


def _interview_reconciled(session: Session, row: DebriefRow) -> str | None:
    mine = session.scalar(select(InterviewDebriefRow).where(InterviewDebriefRow.debrief_id == row.id))
    if mine is None:
        return None
    sides = {link.side: link.debrief for link in session.scalars(
        select(InterviewDebriefRow).where(InterviewDebriefRow.interview_id == mine.interview_id))}
    if len(sides) < 2 or not all(complete(d) for side, d in sides.items() if d.id != row.id):
        return None
    link = link_of_interview(session, mine.interview_id)
    return record(session, row.recruiter_id, "interview.reconciled", {
        "interview_id": mine.interview_id, "debrief_ids": {side: d.id for side, d in sorted(sides.items())},
        "ats": link.to_json() if link else None,
    }, interview_id=mine.interview_id)


def complete(row: DebriefRow) -> bool:
    """Every topic of the flow answered: nothing left to ask, and at least one answer."""
    state = row.flow_state or {}
    return state.get("asked") is None and bool(state.get("answered"))
