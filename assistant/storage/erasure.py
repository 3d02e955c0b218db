"""Erasure and retention: one debrief, every debrief about a candidate, or every debrief past the
retention period, removed from every place that holds it. A legal hold keeps a debrief from all three.

Where a debrief's personal data lives, and what erasure does there:
- debriefs, messages, guidance, drafts, draft_versions, interview_debriefs, legal_holds: deleted (the
  last five by their foreign keys' ON DELETE CASCADE, guidance and messages also by the ORM);
- interviews: they hold the candidate's name, so an erasure by name deletes the recruiter's interviews
  naming that candidate, and retention deletes old interviews left with no debrief;
- idempotency_keys: the stored answers quote the debrief, so they go with it;
- audit_log: kept, since who decided what and when is what the log is for, but every event's details
  are emptied and a `debrief.erased` event (its cause, no personal data) ends the chain;
- outbox_events, webhook_deliveries, webhook_attempts, ats_notes, ats_links: the hand-off to the ATS; an
  event, note or link about an erased debrief or interview goes with it (foreign keys), and an erasure by
  name also removes the recruiter's other webhook events whose payload names the candidate, so nothing
  about them is sent after the request;
- Chroma: holds only the playbook and the files an admin ingests with `debrief ingest`; no debrief or
  draft text is written to it (a turn's guidance query is embedded in memory and not stored);
- the embedded model server's log: llama.cpp's load and timing lines, without prompt text. As a
  safeguard, an erasure by name (or by retention) removes any line of it that names the candidate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.core import DebriefHeld, InvalidInput, Record
from assistant.storage import audit
from assistant.storage.ats_rows import OutboxEventRow
from assistant.storage.ownership import owned_debrief
from assistant.storage.store import (
    DebriefRow,
    DraftRow,
    IdempotencyRow,
    InterviewRow,
    LegalHoldRow,
    MessageRow,
    Store,
    as_utc,
)

MAX_REASON_CHARS = 1000
# Shorter names would match log lines that merely contain those letters.
_MIN_LOG_NEEDLE = 3


@dataclass
class Erased:
    """What one erasure removed; counts only, so the answer repeats no personal data."""

    debriefs: int = 0
    messages: int = 0
    drafts: int = 0
    interviews: int = 0
    idempotency_keys: int = 0
    # Audit events kept with their details emptied.
    audit_events_emptied: int = 0
    # Debriefs left alone because they are under a legal hold.
    held: int = 0
    server_log_lines: int = 0
    # Webhook events about the erased debriefs, or naming the candidate, with their deliveries.
    webhook_events: int = 0

    def add(self, other: Erased) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True)
class LegalHold:
    debrief_id: str
    held: bool
    reason: str | None = None
    held_at: datetime | None = None


def same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _normal(a or "") == _normal(b or "")


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def erase_debrief(session: Session, row: DebriefRow, cause: str | None = None) -> Erased:
    """Delete the debrief and all that hangs on it, in the caller's transaction; refuse a held one."""
    hold = session.get(LegalHoldRow, row.id)
    if hold is not None:
        raise DebriefHeld(f"debrief {row.id} is under a legal hold ({hold.reason}): release the hold first")
    erased = Erased(
        debriefs=1, messages=len(row.messages),
        drafts=session.scalar(select(func.count()).where(DraftRow.debrief_id == row.id)) or 0,
        # Deleted by their foreign key's cascade with the debrief; counted here.
        webhook_events=session.scalar(select(func.count()).where(OutboxEventRow.debrief_id == row.id)) or 0,
    )
    debrief_id, recruiter_id = row.id, row.recruiter_id
    session.delete(row)
    session.flush()
    erased.audit_events_emptied = audit.erase(session, debrief_id, recruiter_id, cause)
    gone = session.execute(delete(IdempotencyRow).where(IdempotencyRow.debrief_id == debrief_id))
    erased.idempotency_keys = gone.rowcount  # type: ignore[attr-defined]
    return erased


def scrub_log(path: Path, names: Iterable[str]) -> int:
    """Remove the lines that name any of `names` from a log, in place (the server appends to the same
    file, so it is rewritten rather than replaced). Returns the lines removed."""
    needles = {_normal(n) for n in names if len(_normal(n)) >= _MIN_LOG_NEEDLE}
    if not needles or not path.is_file():
        return 0
    with path.open("r+b") as log:
        lines = log.read().split(b"\n")
        kept = [line for line in lines
                if not any(n in _normal(line.decode("utf-8", "replace")) for n in needles)]
        if len(kept) < len(lines):
            log.seek(0)
            log.write(b"\n".join(kept))
            log.truncate()
    return len(lines) - len(kept)


class Erasure:
    def __init__(self, store: Store, server_log: Path | None = None) -> None:
        self._store = store
        self._server_log = server_log

    def candidate(self, recruiter_id: str, name: str) -> Erased:
        """Every debrief of this recruiter about the candidate (by the record's name, or by belonging to
        an interview under that name), the interviews naming them, and all that hangs on those; held
        debriefs (and the interviews holding them) are kept. One transaction: all or nothing."""
        if len(_normal(name)) == 0:
            raise InvalidInput("the candidate's name is empty")
        erased = Erased()
        with self._store.session() as s:
            interviews = [
                i for i in s.scalars(select(InterviewRow).where(InterviewRow.recruiter_id == recruiter_id))
                if same_name(i.candidate_name, name)
            ]
            linked = {link.debrief_id for i in interviews for link in i.debriefs}
            debriefs = [
                row for row in s.scalars(select(DebriefRow).where(DebriefRow.recruiter_id == recruiter_id))
                if row.id in linked or same_name(_candidate(row), name)
            ]
            held = _held(s, [row.id for row in debriefs])
            # Interviews first: deleting their links through the ORM before the debriefs' cascade does.
            for interview in interviews:
                if not any(link.debrief_id in held for link in interview.debriefs):
                    s.delete(interview)
                    erased.interviews += 1
            s.flush()
            for row in debriefs:
                if row.id in held:
                    erased.held += 1
                else:
                    erased.add(erase_debrief(s, row, "candidate"))
            erased.webhook_events += _erase_events_naming(s, recruiter_id, name)
        self._store.forget_erased()
        if self._server_log is not None:
            erased.server_log_lines = scrub_log(self._server_log, [name])
        return erased

    def expired(self, days: int, now: datetime | None = None) -> Erased:
        """Erase every debrief (of every recruiter) with no activity for `days` days, unless held;
        then the interviews that old left with no debrief. Activity: the debrief's last turn or
        change, a message, or a change to one of its drafts."""
        if days <= 0:
            return Erased()
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
        erased = Erased()
        names: list[str] = []
        with self._store.session() as s:
            last_draft = {debrief_id: at for debrief_id, at in s.execute(
                select(DraftRow.debrief_id, func.max(DraftRow.updated_at)).group_by(DraftRow.debrief_id)
            )}
            last_message = {debrief_id: at for debrief_id, at in s.execute(
                select(MessageRow.debrief_id, func.max(MessageRow.created_at)).group_by(MessageRow.debrief_id)
            )}
            rows = list(s.scalars(select(DebriefRow)))
            held = _held(s, [row.id for row in rows])
            for row in rows:
                moments = [row.updated_at, last_draft.get(row.id), last_message.get(row.id)]
                if max(as_utc(m) for m in moments if m is not None) >= cutoff:
                    continue
                if row.id in held:
                    erased.held += 1
                    continue
                if name := _candidate(row):
                    names.append(name)
                erased.add(erase_debrief(s, row, "retention"))
            s.flush()
            for interview in s.scalars(select(InterviewRow).where(~InterviewRow.debriefs.any())):
                if as_utc(interview.created_at) < cutoff:
                    names.append(interview.candidate_name)
                    s.delete(interview)
                    erased.interviews += 1
        if erased.debriefs or erased.interviews:
            self._store.forget_erased()
        if self._server_log is not None:
            erased.server_log_lines = scrub_log(self._server_log, names)
        return erased

    def hold(self, recruiter_id: str, debrief_id: str, hold: bool, reason: str | None = None) -> LegalHold:
        """Place or release a legal hold; each change is an event in the debrief's audit chain."""
        reason = " ".join((reason or "").split())
        if hold and not reason:
            raise InvalidInput("a legal hold needs its reason (the claim or request it preserves the debrief for)")
        if len(reason) > MAX_REASON_CHARS:
            raise InvalidInput(f"the reason is longer than {MAX_REASON_CHARS} characters")
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            current = s.get(LegalHoldRow, debrief_id)
            if hold:
                if current is None:
                    current = LegalHoldRow(debrief_id=debrief_id, recruiter_id=recruiter_id, reason=reason)
                    s.add(current)
                else:
                    current.reason = reason
                s.flush()
                audit.append(s, debrief_id, recruiter_id, "legal_hold.placed", details={"reason": reason})
                return LegalHold(debrief_id, True, current.reason, as_utc(current.held_at))
            if current is not None:
                s.delete(current)
                audit.append(s, debrief_id, recruiter_id, "legal_hold.released",
                             details={"reason": reason} if reason else None)
            return LegalHold(debrief_id, False)


def _erase_events_naming(session: Session, recruiter_id: str, name: str) -> int:
    """The recruiter's webhook events whose payload names the candidate (a draft about them attached to
    another debrief, say), read as JSON so escaped text matches too."""
    needle = _normal(name)
    gone = 0
    for event in session.scalars(select(OutboxEventRow).where(OutboxEventRow.recruiter_id == recruiter_id)):
        if any(needle in _normal(text) for text in _strings(json.loads(event.body))):
            session.delete(event)
            gone += 1
    return gone


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _held(session: Session, debrief_ids: list[str]) -> set[str]:
    if not debrief_ids:
        return set()
    return set(session.scalars(select(LegalHoldRow.debrief_id).where(LegalHoldRow.debrief_id.in_(debrief_ids))))


def _candidate(row: DebriefRow) -> str | None:
    value = Record.model_validate(row.record).value("candidate_name")
    return value if isinstance(value, str) else None
