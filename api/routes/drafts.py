"""/debriefs/{id}/drafts and /debriefs/{id}/audit: write, check, edit, approve, export drafts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from sse_starlette.sse import EventSourceResponse

from api.deps import DraftsDep, RecruiterDep
from api.errors import status_and_detail
from api.models import (
    ApproveDraft,
    AuditEventOut,
    AuditOut,
    CreateDraft,
    DraftOut,
    EditDraft,
    Problem,
    TypedText,
    VersionOut,
)
from assistant.core import DebriefError
from assistant.drafting import Draft, DraftVersion
from assistant.specs import read_spec_upload

router = APIRouter(prefix="/debriefs/{debrief_id}", tags=["drafts"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be read (not UTF-8)"},
    401: {"model": Problem, "description": "Missing or unknown API key"},
    404: {"model": Problem, "description": "No such debrief or draft for this recruiter"},
    422: {"model": Problem, "description": "Invalid request"},
}
DECISION_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": Problem, "description": "Already approved or discarded, or blocked by a finding"},
}


def _version(version: DraftVersion) -> VersionOut:
    review = version.review
    return VersionOut(
        number=version.number, author=version.author, text=version.text, created_at=version.created_at,
        grounding=[asdict(s) for s in review.grounding],  # type: ignore[misc]
        findings=[asdict(f) for f in review.findings],  # type: ignore[misc]
        blocking=len(review.blocking),
        redline=None if review.redline is None else [asdict(c) for c in review.redline],  # type: ignore[misc]
    )


def draft_out(draft: Draft) -> DraftOut:
    return DraftOut(
        id=draft.id, debrief_id=draft.debrief_id, type=draft.kind.value, status=draft.status,  # type: ignore[arg-type]
        author=draft.author, notices=draft.notices, override_reason=draft.override_reason,
        decided_by=draft.decided_by, created_at=draft.created_at, updated_at=draft.updated_at,
        current=_version(draft.current), model_text=draft.versions[0].text, versions=len(draft.versions),
    )


@router.post("/drafts", status_code=status.HTTP_201_CREATED, response_model=DraftOut, responses=ERRORS)
def create_draft(debrief_id: str, body: CreateDraft, recruiter: RecruiterDep, drafts: DraftsDep) -> DraftOut:
    """Write a draft from the debrief's record (and cited playbook advice). It starts as `draft`:
    nothing is sent; a recruiter edits and approves it."""
    return draft_out(drafts.create(recruiter, debrief_id, body.type, body.instructions, body.original_spec))


@router.post("/drafts/upload", status_code=status.HTTP_201_CREATED, response_model=DraftOut, responses=ERRORS)
async def create_spec_draft_from_file(
    debrief_id: str, recruiter: RecruiterDep, drafts: DraftsDep,
    file: Annotated[UploadFile, File(description="The original job spec, .md or .txt")],
    instructions: Annotated[TypedText | None, Form(max_length=2000)] = None,
) -> DraftOut:
    """A revised_job_spec draft from an uploaded original spec."""
    limit = drafts.max_spec_bytes
    data = await file.read(limit + 1)  # never more than the limit, whatever the client sends
    spec = read_spec_upload(file.filename or "", data, limit)
    draft = await run_in_threadpool(drafts.create, recruiter, debrief_id, "revised_job_spec", instructions, spec)
    return draft_out(draft)


@router.post(
    "/drafts/stream",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"}},
)
async def stream_draft(
    debrief_id: str, body: CreateDraft, recruiter: RecruiterDep, drafts: DraftsDep
) -> EventSourceResponse:
    """The same as POST /drafts, as server-sent events: `accepted`, `status`, `delta` (text as the model
    writes it), then `draft` (the checked draft, which may differ: links removed, or a template's draft
    when the model's did not hold up) or `error`."""
    events = drafts.stream_create(recruiter, debrief_id, body.type, body.instructions, body.original_spec)
    first = await run_in_threadpool(next, events)  # bad input still gets a plain 4xx
    return EventSourceResponse(_sse(first, events, debrief_id))


async def _sse(first: Any, events: Iterator[Any], debrief_id: str) -> AsyncIterator[dict[str, str]]:
    """The draft's events, read from the thread it is written in; a client that hangs up stops only this."""
    yield {"event": first[0], "data": json.dumps(first[1])}
    try:
        async for event in iterate_in_threadpool(events):
            if isinstance(event, Draft):
                yield {"event": "draft", "data": draft_out(event).model_dump_json()}
            else:
                yield {"event": event[0], "data": json.dumps(event[1])}
    except DebriefError as exc:
        code, detail = status_and_detail(exc, debrief_id)
        yield {"event": "error", "data": json.dumps({"status": code, "detail": detail})}


@router.get("/drafts", response_model=list[DraftOut], responses=ERRORS)
def list_drafts(debrief_id: str, recruiter: RecruiterDep, drafts: DraftsDep) -> list[DraftOut]:
    return [draft_out(d) for d in drafts.list(recruiter.id, debrief_id)]


@router.get("/drafts/{draft_id}", response_model=DraftOut, responses=ERRORS)
def get_draft(debrief_id: str, draft_id: str, recruiter: RecruiterDep, drafts: DraftsDep) -> DraftOut:
    return draft_out(drafts.get(recruiter.id, debrief_id, draft_id))


@router.put("/drafts/{draft_id}", response_model=DraftOut, responses=DECISION_ERRORS)
def edit_draft(debrief_id: str, draft_id: str, body: EditDraft, recruiter: RecruiterDep, drafts: DraftsDep) -> DraftOut:
    """Save the recruiter's text as a new version; grounding and checks run again on it."""
    return draft_out(drafts.edit(recruiter, debrief_id, draft_id, body.text))


@router.post("/drafts/{draft_id}/approve", response_model=DraftOut, responses=DECISION_ERRORS)
def approve_draft(
    debrief_id: str, draft_id: str, recruiter: RecruiterDep, drafts: DraftsDep, body: ApproveDraft | None = None,
) -> DraftOut:
    """Approve the current version. Refused (409) while a blocking finding remains, unless an
    override reason is given; the reason is logged."""
    return draft_out(drafts.approve(recruiter, debrief_id, draft_id, body.override_reason if body else None))


@router.post("/drafts/{draft_id}/discard", response_model=DraftOut, responses=DECISION_ERRORS)
def discard_draft(debrief_id: str, draft_id: str, recruiter: RecruiterDep, drafts: DraftsDep) -> DraftOut:
    return draft_out(drafts.discard(recruiter, debrief_id, draft_id))


@router.get(
    "/drafts/{draft_id}/export",
    responses={**ERRORS, 200: {"content": {"message/rfc822": {}, "text/markdown": {}},
                               "description": "The approved draft as .eml (emails) or .md"}},
)
def export_draft(debrief_id: str, draft_id: str, recruiter: RecruiterDep, drafts: DraftsDep) -> Response:
    file = drafts.export(recruiter, debrief_id, draft_id)
    return Response(file.content, media_type=file.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file.filename}"'})


@router.get("/audit", response_model=AuditOut, responses=ERRORS)
def get_audit(debrief_id: str, recruiter: RecruiterDep, drafts: DraftsDep) -> AuditOut:
    """Every decision on this debrief's drafts, oldest first, with a check of the hash chain."""
    chain, check = drafts.audit(recruiter.id, debrief_id)
    return AuditOut(intact=check.intact, broken_at=check.broken_at,
                    events=[AuditEventOut(**asdict(e)) for e in chain])
