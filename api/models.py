"""Request and response bodies: the public JSON contract of the HTTP API."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from assistant.core import AppliedUpdate, NotUnicode, Record, Rejection, clean_typed
from assistant.interviews import Mismatch


def _typed(value: str) -> str:
    try:
        return clean_typed(value)
    except NotUnicode as exc:
        raise ValueError(str(exc)) from None


# The one type of every text a route accepts, in a body, a form or a query string: valid Unicode (a lone
# surrogate is a 422, not a database error), NFC, without direction controls or zero-width characters
# (assistant/typed_text.py). Its length bound comes with each use: Field, Form or Query(max_length=...).
TypedText = Annotated[str, AfterValidator(_typed)]
# Ids sent in bodies: bounded like the rest, and never longer than an id can be.
IdText = Annotated[TypedText, Field(min_length=1, max_length=100)]


class OpenDebrief(BaseModel):
    kind: Literal["candidate", "client"]
    candidate_name: TypedText | None = Field(default=None, max_length=300)
    role_title: TypedText | None = Field(default=None, max_length=300)
    company: TypedText | None = Field(default=None, max_length=300)
    interview_id: IdText | None = Field(
        default=None, description="Open the debrief inside this interview, on the side `kind` names; the "
        "interview's candidate, role and company fill what is left empty.",
    )


class PostMessage(BaseModel):
    # Bounded by DEBRIEF_MAX_MESSAGE_CHARS, which the engine checks (a setting, so not fixed in the schema).
    text: TypedText = Field(description="What the recruiter typed; 1 to 8,000 characters.")


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
    refining: bool = Field(
        default=False,
        description="A whole-conversation pass is running or due: the record may still gain values "
                    "(GET /debriefs/{id}/refinement tells when it is done)",
    )


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


class CreateInterview(BaseModel):
    candidate_name: TypedText = Field(min_length=1, max_length=300)
    role_title: TypedText | None = Field(default=None, max_length=300)
    company: TypedText | None = Field(default=None, max_length=300)
    stage: TypedText | None = Field(default=None, max_length=100, description="e.g. first round, technical, final")
    date: dt.date | None = Field(default=None, description="The day of the interview, YYYY-MM-DD.")


class AttachDebrief(BaseModel):
    debrief_id: IdText


class SideStatusOut(BaseModel):
    present: bool
    debrief_id: str | None
    completeness: float | None
    decision: str | None = Field(description="The client's decision, on the client side, once recorded.")
    candidate_interest: int | None = Field(description="1-5, on the candidate side, once recorded.")


class InterviewOut(BaseModel):
    id: str
    candidate_name: str
    role_title: str | None
    company: str | None
    stage: str | None
    date: dt.date | None
    created_at: datetime
    candidate: SideStatusOut
    client: SideStatusOut


class ReconciliationOut(BaseModel):
    interview_id: str
    missing_side: Literal["candidate", "client", "both"] | None = Field(
        description="The side with no debrief yet; checks that need both sides are skipped."
    )
    mismatches: list[Mismatch] = Field(description="Most severe first.")
    by_field: dict[str, list[str]] = Field(description="Each field with the kinds of mismatch found on it.")


class Problem(BaseModel):
    detail: str


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    reasons: list[str] = Field(description="What is out, one sentence per part; empty when ready")


DraftType = Literal["candidate_feedback_email", "candidate_coaching_note", "revised_job_spec", "client_follow_up"]


class CreateDraft(BaseModel):
    type: DraftType
    instructions: TypedText | None = Field(
        default=None, max_length=2000, description="Tone, length or emphasis; the facts come from the record."
    )
    original_spec: TypedText | None = Field(
        default=None, max_length=20_000, description="The job spec to revise (revised_job_spec only)."
    )


class EditDraft(BaseModel):
    text: TypedText = Field(max_length=20_000, description="The whole draft as the recruiter wants it.")


class ApproveDraft(BaseModel):
    override_reason: TypedText | None = Field(
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
    details: dict[str, Any] = Field(description='{"erased": true} once the debrief was erased')
    details_sha256: str
    prev_hash: str
    hash: str


class AuditOut(BaseModel):
    intact: bool = Field(description="False when a stored event was changed, removed or reordered")
    broken_at: int | None
    events: list[AuditEventOut]


class DriftOut(BaseModel):
    interview_id: str
    held_on: dt.date | None
    stage: str | None
    candidate_name: str
    decision: str | None
    side: str
    change: str
    quote: str | None


class ErasedOut(BaseModel):
    """What an erasure removed, as counts: nothing about the candidate is repeated back."""

    debriefs: int
    messages: int
    drafts: int
    interviews: int
    idempotency_keys: int
    audit_events_emptied: int = Field(description="Audit events kept (who, when, what) with their details emptied")
    held: int = Field(description="Debriefs left in place because they are under a legal hold")
    server_log_lines: int = Field(description="Lines naming the candidate removed from the embedded server's log")
    webhook_events: int = Field(
        default=0, description="Webhook events about the erased debriefs or naming the candidate, removed with "
        "their deliveries, whether sent yet or not")


class SetLegalHold(BaseModel):
    hold: bool
    reason: TypedText | None = Field(default=None, max_length=1000, description="Required when placing a hold")


class LegalHoldOut(BaseModel):
    debrief_id: str
    hold: bool
    reason: str | None = None
    held_at: datetime | None = None
