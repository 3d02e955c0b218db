"""Request and response bodies: the public JSON contract of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.schema import AppliedUpdate, Record, Rejection


class OpenDebrief(BaseModel):
    kind: Literal["candidate", "client"]
    candidate_name: str | None = Field(default=None, max_length=300)
    role_title: str | None = Field(default=None, max_length=300)
    company: str | None = Field(default=None, max_length=300)


class PostMessage(BaseModel):
    text: str = Field(description="What the recruiter typed; 1 to 8,000 characters.")


class MessageOut(BaseModel):
    seq: int
    role: Literal["recruiter", "assistant"]
    text: str
    status: Literal["pending", "done"]
    created_at: datetime
    details: dict[str, Any] | None = None


class DebriefOpened(BaseModel):
    id: str
    kind: str
    question: str
    record: Record


class DebriefSummary(BaseModel):
    id: str
    kind: str
    candidate_name: str | None
    role_title: str | None
    company: str | None
    completeness: float
    created_at: datetime
    updated_at: datetime


class DebriefOut(BaseModel):
    id: str
    kind: str
    record: Record
    transcript: list[MessageOut]
    created_at: datetime
    updated_at: datetime


class TurnOut(BaseModel):
    reply: str
    record: Record
    captured: list[AppliedUpdate]
    left_out: list[Rejection]
    usage: dict[str, Any]


class Problem(BaseModel):
    detail: str
