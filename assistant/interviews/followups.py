"""What the recruiter should know or do once a turn is recorded, beyond the next question: where the
two sides of an interview disagree (once the second debrief is complete), and a dated next step when
a client relationship is at risk. Deterministic: computed from the records, never by the model.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core import Record, normalise
from assistant.interviews.reconciliation import reconcile
from assistant.storage import InterviewDebriefRow, InterviewRow

SHOWN_MISMATCHES = 3
# A client at risk hears from us within two working days: long enough to prepare a revised plan,
# short enough that the silence does not set.
WORKING_DAYS_TO_ACT = 2


def followups(session: Session, debrief_id: str, record: Record, complete: bool, today: date) -> list[str]:
    lines: list[str] = []
    link = session.scalar(select(InterviewDebriefRow).where(InterviewDebriefRow.debrief_id == debrief_id))
    if link is not None and complete:
        lines += _both_sides(session, link, record)
    if record.kind == "client":
        lines += _relationship(session, link, record, today)
    return lines


def _both_sides(session: Session, link: InterviewDebriefRow, record: Record) -> list[str]:
    other = session.scalar(select(InterviewDebriefRow).where(
        InterviewDebriefRow.interview_id == link.interview_id, InterviewDebriefRow.side != link.side))
    if other is None:
        return []
    other_record = Record.model_validate(other.debrief.record)
    pair = {record.kind: record, other_record.kind: other_record}
    found = reconcile(pair.get("candidate"), pair.get("client"), link.interview.held_on).mismatches
    if not found:
        return ["Both sides are in, and they agree on everything both recorded."]
    shown = "; ".join(m.summary for m in found[:SHOWN_MISMATCHES])
    more = f" (and {len(found) - SHOWN_MISMATCHES} more)" if len(found) > SHOWN_MISMATCHES else ""
    return [f"Both sides are in. Where they disagree ({len(found)}): {shown}{more}. "
            f"Details: GET /interviews/{link.interview_id}/reconciliation."]


def _relationship(session: Session, link: InterviewDebriefRow | None, record: Record, today: date) -> list[str]:
    company = record.value("company")
    second_reject = record.value("decision") == "reject" and link is not None and _rejected_before(
        session, link, company)
    if not (record.value("relationship_risk") is True or second_reject):
        return []
    why = "a second rejection in a row" if second_reject else "the relationship is at risk"
    by = _working_days_after(today, WORKING_DAYS_TO_ACT)
    return [f"Suggested next step ({why}): call the hiring manager{f' at {company}' if company else ''} by "
            f"{by:%A %d %B} to agree a revised brief and search plan; see the playbook's damage-control advice."]


def _rejected_before(session: Session, link: InterviewDebriefRow, company: object) -> bool:
    """The latest earlier interview for the same company and role also ended in a rejection."""
    this = link.interview
    rows = session.scalars(select(InterviewRow).where(
        InterviewRow.recruiter_id == this.recruiter_id, InterviewRow.id != this.id)).all()
    role = (normalise(this.company or str(company or "")), normalise(this.role_title or ""))
    when = (this.held_on or this.created_at.date(), this.created_at)
    same = [r for r in rows if (normalise(r.company or ""), normalise(r.role_title or "")) == role
            and (r.held_on or r.created_at.date(), r.created_at) < when]
    if not same:
        return False
    latest = max(same, key=lambda r: (r.held_on or r.created_at.date(), r.created_at))
    client = next((d for d in latest.debriefs if d.side == "client"), None)
    return client is not None and Record.model_validate(client.debrief.record).value("decision") == "reject"


def _working_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day
