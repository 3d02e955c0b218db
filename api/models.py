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
    version: int = Field(description="Bumped on every change; also the ETag header.")


class DebriefSummary(BaseModel):
    id: str
    kind: str
    candidate_name: str | None
    role_title: str | None
    company: str | None
    completeness: float
    created_at: datetime
    updated_at: datetime
    version: int


class DebriefOut(BaseModel):
    id: str
    kind: str
    record: Record
    transcript: list[MessageOut]
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Bumped on every change; send it back as If-Match to refuse a stale edit.")


class CitationOut(BaseModel):
    entry_id: str
    title: str
    heading: str
    file: str
    collection: Literal["playbook", "documents"]


class GuidanceOut(BaseModel):
    """A playbook passage that applies to the debrief; `text` is the passage, quoted as written."""

    citation: CitationOut
    text: str
    reason: str = Field(description="The record condition that holds, or 'close to what you wrote'.")


class TurnOut(BaseModel):
    reply: str
    record: Record
    captured: list[AppliedUpdate]
    left_out: list[Rejection]
    usage: dict[str, Any]
    guidance: list[GuidanceOut] = Field(
        default_factory=list, description="Playbook advice that applies from this turn on, each entry shown once."
    )
    version: int = Field(description="The debrief's version once this turn is stored (the ETag header).")


class PassageOut(BaseModel):
    rank: int
    similarity: float
    citation: CitationOut
    text: str


class SearchOut(BaseModel):
    query: str
    results: list[PassageOut]


class Problem(BaseModel):
    detail: str
