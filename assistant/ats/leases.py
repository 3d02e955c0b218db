"""Claiming queued work with a lease, shared by webhook deliveries and ATS notes.

A worker claims due rows (marks them `sending`, with its claim token and a lease) in one transaction,
sends, then records the outcome in another, only if it still holds the claim. A worker killed between the
two leaves its rows `sending`; once the lease has passed another worker claims and sends them again. So a
row is sent at least once, and more than once only when a worker died after sending and before recording
(the receiver tells a repeat by the event's id).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from assistant.storage import AtsNoteRow, WebhookDeliveryRow

Leased = TypeVar("Leased", WebhookDeliveryRow, AtsNoteRow)


def claim_due(session: Session, model: type[Leased], waiting: str, limit: int, lease_s: float,
              now: datetime | None = None, *where: Any) -> list[Leased]:
    now = now or datetime.now(UTC)
    due = or_(
        and_(model.state == waiting, model.next_attempt_at <= now),
        and_(model.state == "sending", model.claimed_until < now),
    )
    rows = list(session.scalars(
        select(model).where(due, *where).order_by(model.next_attempt_at).limit(limit)
        # PostgreSQL: workers in other processes skip rows another is claiming; SQLite ignores this and
        # serialises the claims with its immediate transactions instead.
        .with_for_update(skip_locked=True)
    ))
    token = str(uuid.uuid4())
    for row in rows:
        row.state, row.claim, row.claimed_until = "sending", token, now + timedelta(seconds=lease_s)
    session.flush()
    return rows


def requeue(row: WebhookDeliveryRow | AtsNoteRow, waiting: str) -> None:
    """Due now, with its retries started over and no worker's claim: a recruiter asked to send it again."""
    row.state, row.attempts, row.next_attempt_at = waiting, 0, datetime.now(UTC)
    row.claim = row.claimed_until = None


def next_try(attempts: int, schedule: Sequence[float], now: datetime | None = None) -> datetime | None:
    """When to try again after `attempts` failed tries, or None when the schedule is used up."""
    if attempts > len(schedule):
        return None
    return (now or datetime.now(UTC)) + timedelta(seconds=schedule[attempts - 1])
