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


DraftType = Literal["candidate_feedback_email", "candidate_coaching_note", "revised_job_spec", "client_follow_up"]


class CreateDraft(BaseModel):
    type: DraftType
    instructions: str | None = Field(
        default=None, max_length=2000, description="Tone, length or emphasis; the facts come from the record."
    )
    original_spec: str | None = Field(
        default=None, max_length=20_000, description="The job spec to revise (revised_job_spec only)."
    )


class EditDraft(BaseModel):
    text: str = Field(max_length=20_000, description="The whole draft as the recruiter wants it.")


class ApproveDraft(BaseModel):
    override_reason: str | None = Field(
        default=None, max_length=2000,
        description="Required when blocking findings remain: why they are acceptable. Logged with the approval.",
    )


class FindingOut(BaseModel):
    rule: str
    category: str
    severity: Literal["blocking", "advisory"]
    start: int
    end: int
    text: str
    explanation: str
    source: str | None = None


class SentenceOut(BaseModel):
    start: int
    end: int
    text: str
    status: Literal["supported", "unsupported", "no_claim"]
    refs: list[str] = Field(description="Record values (e.g. strengths[0]), playbook:<entry>, spec:<n>, instructions")
    unsupported: list[str] = Field(description="Figures, names and words no source states")


class EvidenceOut(BaseModel):
    field: str
    value: str
    quote: str
    side: str


class ChangeOut(BaseModel):
    kind: Literal["added", "removed", "changed"]
    before: str | None
    after: str | None
    cause: EvidenceOut | None


class VersionOut(BaseModel):
    number: int
    author: str = Field(description="model, template, or the id of the recruiter who edited it")
    text: str
    created_at: datetime
    grounding: list[SentenceOut]
    findings: list[FindingOut]
    blocking: int
    redline: list[ChangeOut] | None = None


class DraftOut(BaseModel):
    id: str
    debrief_id: str
    type: DraftType
    status: Literal["draft", "edited", "approved", "discarded"]
    author: str = Field(description="The model that wrote version 1, or 'template'")
    notices: list[str]
    override_reason: str | None
    decided_by: str | None
    created_at: datetime
    updated_at: datetime
    current: VersionOut
    model_text: str = Field(description="Version 1, as the model (or template) wrote it")
    versions: int


class AuditEventOut(BaseModel):
    seq: int
    at: str
    recruiter_id: str
    action: str
    draft_id: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditOut(BaseModel):
    intact: bool = Field(description="False when a stored event was changed, removed or reordered")
    broken_at: int | None
    events: list[AuditEventOut]
