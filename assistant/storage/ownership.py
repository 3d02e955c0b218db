"""The one check that a debrief or an interview belongs to the recruiter asking for it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.core import DebriefNotFound, InterviewNotFound
from assistant.storage.store import DebriefRow, InterviewRow


def owned_debrief(session: Session, recruiter_id: str, debrief_id: str, for_update: bool = False) -> DebriefRow:
    """`for_update` locks the row until the session ends: the engine's per-debrief lock covers one process
    only, and API workers in other processes read and write the same debrief (PostgreSQL; SQLite's
    immediate transactions already serialise writers)."""
    row = session.get(DebriefRow, debrief_id, with_for_update=for_update)
    # Someone else's debrief is reported exactly like a missing one: ids must not leak.
    if row is None or row.recruiter_id != recruiter_id:
        raise DebriefNotFound(f"no debrief {debrief_id}")
    return row


def owned_interview(session: Session, recruiter_id: str, interview_id: str) -> InterviewRow:
    row = session.get(InterviewRow, interview_id)
    if row is None or row.recruiter_id != recruiter_id:
        raise InterviewNotFound(f"no interview {interview_id}")
    return row
