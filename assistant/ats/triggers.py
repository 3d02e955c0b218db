"""What the hand-off adds to a change, inside the change's own transaction: the service calls these from
the drafts' and the debriefs' hooks, so the event or the note is stored exactly when the change is."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from assistant.ats.events import debrief_completed, draft_approved
from assistant.ats.notes import queue_note
from assistant.storage import DebriefRow, DraftRow


def on_draft_approved(session: Session, recruiter_id: str, row: DraftRow) -> bool:
    """The draft.approved event and the ATS note; True when anything was queued."""
    queued = [draft_approved(session, recruiter_id, row), queue_note(session, recruiter_id, row)]
    return any(queued)


def on_debrief_completed(session: Session, row: DebriefRow) -> bool:
    return bool(debrief_completed(session, row))


def after_commit(session: Session, then: Callable[[], None]) -> None:
    """Run `then` once the transaction has committed (a worker woken earlier would not see the rows)."""
    event.listen(session, "after_commit", lambda _session: then(), once=True)
