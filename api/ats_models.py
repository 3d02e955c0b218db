"""Request and response bodies of the hand-off to the ATS: webhook endpoints and their deliveries, ATS
links and notes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.models import TypedText

AtsName = Literal["greenhouse", "lever", "ashby"]
EventName = Literal["debrief.completed", "draft.approved", "interview.reconciled"]


class CreateEndpoint(BaseModel):
    url: TypedText = Field(max_length=2000, description="Where events are POSTed (https on a public host)")
    events: list[EventName] | None = Field(default=None, description="The event types to send; unset: all")
    description: TypedText | None = Field(default=None, max_length=300)


class EndpointOut(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_at: datetime
    secret: str | None = Field(
        default=None, description="The signing secret (`whsec_...`): given when the endpoint is added and when "
        "it is read alone, never in the list")


class AttemptOut(BaseModel):
    at: datetime
    status: int | None = Field(description="The receiver's HTTP status; null when it could not be reached")
    error: str | None
    milliseconds: int


class DeliveryOut(BaseModel):
    id: str
    event_id: str = Field(description="The `webhook-id` header, the same on every attempt and replay")
    event_type: str
    state: Literal["pending", "sending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    log: list[AttemptOut]


class AtsLinkIn(BaseModel):
    ats: AtsName
    candidate_id: TypedText = Field(min_length=1, max_length=100)
    application_id: TypedText | None = Field(default=None, max_length=100)
    job_id: TypedText | None = Field(default=None, max_length=100)


class AtsLinkOut(BaseModel):
    ats: AtsName
    candidate_id: str
    application_id: str | None
    job_id: str | None


class AtsNoteOut(BaseModel):
    id: str
    draft_id: str
    ats: str
    state: Literal["queued", "sending", "sent", "failed"]
    attempts: int
    last_error: str | None = Field(description="Why the last try failed, in words a recruiter can act on")
    remote_id: str | None = Field(description="The note's id in the ATS, once sent")
    next_attempt_at: datetime | None
    sent_at: datetime | None
