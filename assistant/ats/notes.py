"""Approved drafts posted as notes to the candidate's ATS profile: queued in the approval's transaction
when the debrief (or its interview) is linked to an ATS, sent by the delivery worker through the ATS's
connector. A failure keeps the note queued, with the reason, until a retry succeeds; one the ATS refused
outright (a wrong id, a revoked key) is marked failed and waits for the recruiter to retry it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.ats.connectors import Connector, ConnectorError
from assistant.ats.leases import claim_due, next_try, requeue
from assistant.ats.links import link_of_debrief
from assistant.core import AtsSettings, DraftNotFound
from assistant.drafting import KINDS, DraftKind
from assistant.storage import AtsNoteRow, DraftRow, Store, as_utc, owned_debrief

# A revised job spec is about the role, not the candidate: it has no place on their profile.
NOTE_KINDS = frozenset(k.value for k in DraftKind if KINDS[k].audience != "spec")
_VARIABLE = {"greenhouse": "GREENHOUSE_API_KEY", "lever": "LEVER_API_KEY", "ashby": "ASHBY_API_KEY"}


@dataclass(frozen=True)
class NoteStatus:
    id: str
    draft_id: str
    ats: str
    state: str  # queued | sending | sent | failed
    attempts: int
    last_error: str | None
    remote_id: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None


def queue_note(session: Session, recruiter_id: str, row: DraftRow) -> str | None:
    """Queue the approved draft for the ATS its debrief is linked to; None when it is not linked."""
    if row.kind not in NOTE_KINDS:
        return None
    link = link_of_debrief(session, row.debrief_id)
    if link is None:
        return None
    note = AtsNoteRow(recruiter_id=recruiter_id, draft_id=row.id, debrief_id=row.debrief_id, ats=link.ats,
                      target=link.to_json(), next_attempt_at=datetime.now(UTC))
    session.add(note)
    session.flush()
    return note.id


def note_text(row: DraftRow) -> str:
    title = KINDS[DraftKind(row.kind)].title
    return f"Debrief: {title}, approved\n\n{row.versions[-1].text}"


class NoteDelivery:
    def __init__(self, store: Store, settings: AtsSettings, connectors: dict[str, Connector]) -> None:
        self._store = store
        self._settings = settings
        self._connectors = connectors

    def statuses(self, recruiter_id: str, debrief_id: str) -> list[NoteStatus]:
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            rows = s.scalars(select(AtsNoteRow).where(AtsNoteRow.debrief_id == debrief_id)
                             .order_by(AtsNoteRow.created_at))
            return [_status(r) for r in rows]

    def retry(self, recruiter_id: str, debrief_id: str, note_id: str) -> NoteStatus:
        """Queue a note again now, whatever its state (a sent one is posted again: the recruiter asked)."""
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            row = s.get(AtsNoteRow, note_id)
            if row is None or row.debrief_id != debrief_id:
                raise DraftNotFound(f"no ATS note {note_id}")
            requeue(row, "queued")
            s.flush()
            return _status(row)

    def deliver_due(self, client: httpx.Client, pool: ThreadPoolExecutor) -> int:
        attempted = 0
        while batch := self._claim():
            for _ in pool.map(lambda item: self._send(client, *item), batch):
                attempted += 1
        return attempted

    def _claim(self) -> list[tuple[str, str, str, dict[str, str], str]]:
        with self._store.session() as s:
            rows = claim_due(s, AtsNoteRow, "queued", self._settings.batch_size, self._settings.lease_s)
            claimed = []
            for row in rows:
                draft = s.get(DraftRow, row.draft_id)
                assert draft is not None  # foreign key
                claimed.append((row.id, row.claim or "", row.ats, dict(row.target), note_text(draft)))
            return claimed

    def _send(self, client: httpx.Client, note_id: str, claim: str, ats: str, target: dict[str, str],
              text: str) -> None:
        connector = self._connectors.get(ats)
        remote_id, error, retryable = None, None, True
        if connector is None:
            error = f"{ats} is not configured: set DEBRIEF_ATS_{_VARIABLE[ats]} (the note waits until then)"
        else:
            try:
                remote_id = connector.post_note(client, target, text)
            except ConnectorError as exc:
                error, retryable = str(exc), exc.retryable
        now = datetime.now(UTC)
        with self._store.session() as s:
            row = s.get(AtsNoteRow, note_id)
            if row is None or row.claim != claim or row.state != "sending":
                return
            row.attempts += 1
            row.claim = row.claimed_until = None
            row.last_error = error
            if error is None:
                row.state, row.remote_id, row.sent_at = "sent", remote_id, now
            elif retryable and (later := next_try(row.attempts, self._settings.retry_schedule_s, now)):
                row.state, row.next_attempt_at = "queued", later
            else:
                row.state = "failed"


def _status(row: AtsNoteRow) -> NoteStatus:
    return NoteStatus(row.id, row.draft_id, row.ats, row.state, row.attempts, row.last_error, row.remote_id,
                      as_utc(row.next_attempt_at) if row.state == "queued" else None,
                      as_utc(row.sent_at) if row.sent_at else None)
