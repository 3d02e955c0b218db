"""The web app's drafts: write one, edit it, see its checks, approve or discard it, download it; the audit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.deps import DebriefsDep, DraftsDep, ServiceDep
from api.models import DraftType, TypedText
from api.web import views
from api.web.debrief_pages import debrief_url, problem_text
from api.web.render import page, redirect
from api.web.session import Acting, SignedIn
from assistant.core import DebriefError
from assistant.drafting import KINDS

router = APIRouter(include_in_schema=False)


def draft_url(debrief_id: str, draft_id: str) -> str:
    return f"/app/debriefs/{debrief_id}/drafts/{draft_id}"


@router.post("/app/debriefs/{debrief_id}/drafts")
async def create_draft(
    request: Request, debrief_id: str, recruiter: Acting, drafts: DraftsDep,
    type: Annotated[DraftType, Form()],
    instructions: Annotated[TypedText, Form(max_length=2000)] = "",
    original_spec: Annotated[TypedText, Form(max_length=20_000)] = "",
) -> Response:
    # The spec box is on the form for every type; only a revised spec uses what is in it.
    spec = original_spec if type == "revised_job_spec" else None
    try:
        draft = await run_in_threadpool(drafts.create, recruiter, debrief_id, type, instructions or None, spec)
    except DebriefError as exc:
        return redirect(request, debrief_url(debrief_id) + "#drafts", error=problem_text(exc))
    return redirect(request, draft_url(debrief_id, draft.id))


@router.get("/app/debriefs/{debrief_id}/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(
    request: Request, debrief_id: str, draft_id: str, recruiter: SignedIn, debriefs: DebriefsDep, drafts: DraftsDep,
    service: ServiceDep,
) -> Response:
    debrief = debriefs.get(recruiter.id, debrief_id)
    draft = drafts.get(recruiter.id, debrief_id, draft_id)
    sentences, loose = views.checked_sentences(draft.current)
    notes = [n for n in service.courier.notes.statuses(recruiter.id, debrief_id) if n.draft_id == draft_id]
    deliveries = service.webhooks.for_draft(recruiter.id, debrief_id, draft_id)
    return page(request, "draft.html", recruiter=recruiter, debrief=debrief, draft=draft, info=KINDS[draft.kind],
                sentences=sentences, loose_findings=loose, review=draft.current.review, notes=notes,
                deliveries=deliveries)


@router.post("/app/debriefs/{debrief_id}/drafts/{draft_id}/edit")
def edit_draft(
    request: Request, debrief_id: str, draft_id: str, recruiter: Acting, drafts: DraftsDep,
    text: Annotated[TypedText, Form(max_length=20_000)] = "",
) -> Response:
    url = draft_url(debrief_id, draft_id)
    try:
        draft = drafts.edit(recruiter, debrief_id, draft_id, text)
    except DebriefError as exc:
        return redirect(request, url, error=problem_text(exc))
    return redirect(request, url, notice=f"Saved as version {len(draft.versions)}; the checks ran again.")


@router.post("/app/debriefs/{debrief_id}/drafts/{draft_id}/approve")
def approve_draft(
    request: Request, debrief_id: str, draft_id: str, recruiter: Acting, drafts: DraftsDep, service: ServiceDep,
    override_reason: Annotated[TypedText, Form(max_length=2000)] = "",
) -> Response:
    url = draft_url(debrief_id, draft_id)
    try:
        drafts.approve(recruiter, debrief_id, draft_id, override_reason.strip() or None)
    except DebriefError as exc:
        return redirect(request, url + "#decide", error=problem_text(exc))
    if service.webhooks.for_draft(recruiter.id, debrief_id, draft_id) or any(
            n.draft_id == draft_id for n in service.courier.notes.statuses(recruiter.id, debrief_id)):
        return redirect(request, url + "#handoff", notice="Approved, and queued for your ATS: its status is below.")
    return redirect(request, url, notice="Approved. Nothing was sent: download it below and send it yourself.")


@router.post("/app/debriefs/{debrief_id}/drafts/{draft_id}/discard")
def discard_draft(request: Request, debrief_id: str, draft_id: str, recruiter: Acting, drafts: DraftsDep) -> Response:
    try:
        drafts.discard(recruiter, debrief_id, draft_id)
    except DebriefError as exc:
        return redirect(request, draft_url(debrief_id, draft_id), error=problem_text(exc))
    return redirect(request, debrief_url(debrief_id) + "#drafts", notice="The draft was discarded.")


@router.get("/app/debriefs/{debrief_id}/drafts/{draft_id}/export")
def export_draft(debrief_id: str, draft_id: str, recruiter: SignedIn, drafts: DraftsDep) -> Response:
    file = drafts.export(recruiter, debrief_id, draft_id)
    return Response(file.content, media_type=file.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file.filename}"'})


@router.get("/app/debriefs/{debrief_id}/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, debrief_id: str, recruiter: SignedIn, debriefs: DebriefsDep, drafts: DraftsDep
) -> Response:
    debrief = debriefs.get(recruiter.id, debrief_id)
    chain, check = drafts.audit(recruiter.id, debrief_id)
    return page(request, "audit.html", recruiter=recruiter, debrief=debrief, events=chain, check=check)
