"""The tables of the hand-off to applicant tracking systems: links to ATS records, webhook endpoints, the
outbox of events with one delivery per endpoint and its attempts, and notes posted to an ATS.

Each row about a debrief, a draft or an interview names it by a foreign key with ON DELETE CASCADE, so
erasing a debrief or an interview erases every payload and note about it, delivered or not.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.storage.store import Base


def _now() -> datetime:
    return datetime.now(UTC)


def _id() -> str:
    return str(uuid.uuid4())


class AtsLinkRow(Base):
    """The ATS's own ids for a debrief or an interview (exactly one of the two is set)."""

    __tablename__ = "ats_links"
    __table_args__ = (
        UniqueConstraint("debrief_id", name="uq_ats_links_debrief"),
        UniqueConstraint("interview_id", name="uq_ats_links_interview"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_id)
    recruiter_id: Mapped[str] = mapped_column(String(36), index=True)
    debrief_id: Mapped[str | None] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"), nullable=True)
    interview_id: Mapped[str | None] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), nullable=True)
    ats: Mapped[str] = mapped_column(String(20))  # greenhouse | lever | ashby
    candidate_id: Mapped[str] = mapped_column(String(100))
    application_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WebhookEndpointRow(Base):
    """A recruiter's webhook receiver. The secret is kept as given out: signing needs it."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_id)
    recruiter_id: Mapped[str] = mapped_column(String(36), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(300), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class OutboxEventRow(Base):
    """One event, written in the transaction of the change it reports (the transactional outbox). `body`
    is the exact JSON sent, so every delivery and replay carries the same bytes and signature input."""

    __tablename__ = "outbox_events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # msg_<hex>: the webhook-id header
    recruiter_id: Mapped[str] = mapped_column(String(36), index=True)
    type: Mapped[str] = mapped_column(String(40))
    debrief_id: Mapped[str | None] = mapped_column(
        ForeignKey("debriefs.id", ondelete="CASCADE"), nullable=True, index=True)
    interview_id: Mapped[str | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), nullable=True, index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WebhookDeliveryRow(Base):
    """One event for one endpoint: pending -> sending (claimed, with a lease) -> delivered | pending again
    (a retry, later) | failed (retries used up)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id"),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Who holds the claim and until when; a claim past its lease is free to take again.
    claim: Mapped[str | None] = mapped_column(String(36), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebhookAttemptRow(Base):
    """The delivery log: one row per request sent, with what came back (never the payload)."""

    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    milliseconds: Mapped[int] = mapped_column(Integer)


class AtsNoteRow(Base):
    """An approved draft to be posted as a note on the candidate's ATS profile. The text is read from the
    approved draft when it is sent, so it is not copied here."""

    __tablename__ = "ats_notes"
    __table_args__ = (Index("ix_ats_notes_due", "state", "next_attempt_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_id)
    recruiter_id: Mapped[str] = mapped_column(String(36), index=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    debrief_id: Mapped[str] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    ats: Mapped[str] = mapped_column(String(20))
    target: Mapped[dict[str, Any]] = mapped_column(JSON)  # the link's ids when the note was queued
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    claim: Mapped[str | None] = mapped_column(String(36), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    remote_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
