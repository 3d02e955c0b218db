"""How a client's brief has moved: the requirement changes recorded across one role's interviews, in
order, so the recruiter can show the client what they have asked for since the search began.

Deterministic: it lists what the debriefs recorded, with the quote, side and date; it does not judge.
The role is matched on company and role title as typed, case and spacing aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core import InvalidInput, Record, normalise
from assistant.storage import InterviewRow


@dataclass(frozen=True)
class DriftEntry:
    interview_id: str
    held_on: date | None
    stage: str | None
    candidate_name: str
    decision: str | None  # the client's, when that side was debriefed
    side: str
    change: str
    quote: str | None


def drift(session: Session, recruiter_id: str, company: str, role_title: str) -> list[DriftEntry]:
    if not company.strip() or not role_title.strip():
        raise InvalidInput("both company and role_title are needed to find a role's interviews")
    rows = session.scalars(select(InterviewRow).where(InterviewRow.recruiter_id == recruiter_id)).all()
    wanted = (normalise(company), normalise(role_title))
    chosen = [r for r in rows if (normalise(r.company or ""), normalise(r.role_title or "")) == wanted]
    chosen.sort(key=lambda r: (r.held_on or r.created_at.date(), r.created_at))
    entries: list[DriftEntry] = []
    for interview in chosen:
        records = {link.side: Record.model_validate(link.debrief.record) for link in interview.debriefs}
        client = records.get("client")
        decision = client.value("decision") if client else None
        for side, record in sorted(records.items()):
            item = record.fields.get("requirement_changes")
            for change in (item.value if item and isinstance(item.value, list) else []):
                quotes = item.evidence if item else []
                quote = next((q for q in quotes if normalise(str(change)) in normalise(q)), None)
                entries.append(DriftEntry(interview.id, interview.held_on, interview.stage,
                                          interview.candidate_name, decision, side, str(change), quote))
    return entries
