"""The audit log: every decision on a draft, who made it and when, chained by hashes.

Recruitment is a high-risk use of AI (EU AI Act, Annex III 4(a)): who approved what the model wrote,
and how it was changed first, must be on record. Each event's hash covers the previous event's hash,
so editing, deleting or reordering a stored event breaks the chain from that event on.

When a debrief is erased, its events keep who did what and when, but their details (which quote
drafts and diffs) are emptied; the chain covers each event's details by their hash, so it still
verifies, and the erasure is itself the chain's last event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.storage.store import AuditRow

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    recruiter_id: str
    action: str
    draft_id: str | None
    details: dict[str, Any]
    details_sha256: str
    prev_hash: str
    hash: str


ERASED = {"erased": True}


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    events: int
    # The first event whose stored hash does not match its content or its predecessor.
    broken_at: int | None = None


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _digest(debrief_id: str, seq: int, at: str, recruiter_id: str, action: str, draft_id: str | None,
            details_sha256: str, prev_hash: str) -> str:
    return hashlib.sha256(
        _canonical([debrief_id, seq, at, recruiter_id, action, draft_id, details_sha256, prev_hash])
    ).hexdigest()


def append(
    session: Session, debrief_id: str, recruiter_id: str, action: str,
    draft_id: str | None = None, details: dict[str, Any] | None = None,
) -> AuditRow:
    """Add an event in the caller's transaction, so the event and the change it records commit together."""
    last = session.scalar(
        select(AuditRow).where(AuditRow.debrief_id == debrief_id).order_by(AuditRow.seq.desc()).limit(1)
    )
    seq = 0 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    body = json.loads(json.dumps(details or {}, default=str))  # what the JSON column will give back
    body_sha256 = hashlib.sha256(_canonical(body)).hexdigest()
    row = AuditRow(
        debrief_id=debrief_id, seq=seq, at=at, recruiter_id=recruiter_id, action=action, draft_id=draft_id,
        details=body, details_sha256=body_sha256, prev_hash=prev,
        hash=_digest(debrief_id, seq, at, recruiter_id, action, draft_id, body_sha256, prev),
    )
    session.add(row)
    session.flush()
    return row


def events(session: Session, debrief_id: str) -> list[AuditEvent]:
    rows = session.scalars(
        select(AuditRow).where(AuditRow.debrief_id == debrief_id).order_by(AuditRow.seq)
    ).all()
    return [
        AuditEvent(r.seq, r.at, r.recruiter_id, r.action, r.draft_id, r.details, r.details_sha256, r.prev_hash,
                   r.hash)
        for r in rows
    ]


def erase(session: Session, debrief_id: str, recruiter_id: str, cause: str | None = None) -> int:
    """Empty the details of a debrief's events and record the erasure (with its cause, a word such as
    "retention", never personal data), in the caller's transaction. Returns the events emptied."""
    emptied = 0
    for row in session.scalars(select(AuditRow).where(AuditRow.debrief_id == debrief_id)):
        row.details = dict(ERASED)
        emptied += 1
    append(session, debrief_id, recruiter_id, "debrief.erased", details={"cause": cause} if cause else None)
    return emptied


def count(session: Session, debrief_id: str) -> int:
    return session.scalar(select(func.count()).where(AuditRow.debrief_id == debrief_id)) or 0


def verify(debrief_id: str, chain: Sequence[AuditEvent]) -> ChainCheck:
    prev = GENESIS
    for expected_seq, event in enumerate(chain):
        recomputed = _digest(
            debrief_id, event.seq, event.at, event.recruiter_id, event.action, event.draft_id,
            event.details_sha256, event.prev_hash,
        )
        # Erased details cannot be checked against their hash; every other field still is.
        details_intact = event.details == ERASED or (
            hashlib.sha256(_canonical(event.details)).hexdigest() == event.details_sha256
        )
        if event.seq != expected_seq or event.prev_hash != prev or recomputed != event.hash or not details_intact:
            return ChainCheck(False, len(chain), event.seq)
        prev = event.hash
    return ChainCheck(True, len(chain))
