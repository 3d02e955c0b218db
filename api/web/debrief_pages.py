"""The web app's sign-in, debrief list and debrief page (chat, live record, corrections, guidance)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sse_starlette.sse import EventSourceResponse

from api.deps import DebriefsDep, DraftsDep, get_service
from api.errors import status_and_detail
from api.models import PostMessage, TypedText
from api.routes.debriefs import turn_events  # the JSON route's event stream, reused as is
from api.web import views
from api.web.render import page, redirect
from api.web.session import SESSION_ENDED, Acting, SignedIn, check_csrf, is_signed_in, sign_in, sign_out
from assistant.access import AccessDenied
from assistant.ats import SYSTEMS
from assistant.core import DebriefError, TooManyRequests
from assistant.drafting import KINDS
from assistant.service import Service

router = APIRouter(include_in_schema=False)
ServiceDep = Annotated[Service, Depends(get_service)]


def debrief_url(debrief_id: str) -> str:
    return f"/app/debriefs/{debrief_id}"


# --- signing in -------------------------------------------------------------------------------------


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, service: ServiceDep, expired: bool = False) -> Response:
    # Only a sign-in still open goes on to the list: a revoked cookie sent again would otherwise bounce
    # between here and the list.
    if is_signed_in(request, service):
        return RedirectResponse("/", status_code=303)
    return page(request, "signin.html", notice=SESSION_ENDED if expired else None, error=None)


@router.post("/signin", response_class=HTMLResponse)
async def signin(
    request: Request, service: ServiceDep, key: Annotated[TypedText, Form(max_length=200)] = ""
) -> Response:
    try:
        await check_csrf(request, None)
    except Exception:
        return page(request, "signin.html", 403, notice=None,
                    error="The sign-in form had expired. It has been refreshed: sign in again.")
    try:
        sign_in(request, service, key)
    except AccessDenied:
        return page(request, "signin.html", 401, notice=None,
                    error="That API key is not known here. Check it and try again.")
    except TooManyRequests:
        return page(request, "signin.html", 429, notice=None,
                    error="Too many attempts. Wait a minute and try again.")
    return redirect(request, "/")


@router.post("/signout")
def signout(request: Request, _recruiter: Acting, service: ServiceDep) -> Response:
    sign_out(request, service)
    return redirect(request, "/signin")


# --- the list ---------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, recruiter: SignedIn, debriefs: DebriefsDep) -> Response:
    return page(request, "debriefs.html", recruiter=recruiter, debriefs=debriefs.list(recruiter.id))


@router.post("/app/debriefs")
def open_debrief(
    request: Request, recruiter: Acting, debriefs: DebriefsDep,
    kind: Annotated[Literal["candidate", "client"], Form()],
    candidate_name: Annotated[TypedText, Form(max_length=300)] = "",
    role_title: Annotated[TypedText, Form(max_length=300)] = "",
    company: Annotated[TypedText, Form(max_length=300)] = "",
) -> Response:
    prefill = {"candidate_name": candidate_name, "role_title": role_title, "company": company}
    debrief = debriefs.open(recruiter.id, kind, {k: v or None for k, v in prefill.items()})
    return redirect(request, debrief_url(debrief.id))


# --- one debrief ------------------------------------------------------------------------------------


def _debrief_context(debriefs: Any, recruiter_id: str, debrief_id: str) -> dict[str, Any]:
    debrief = debriefs.get(recruiter_id, debrief_id)
    return {
        "debrief": debrief,
        "lines": views.transcript(debrief),
        "rows": views.record_rows(debrief.record),
        "guidance": debriefs.guidance(recruiter_id, debrief_id),
        "pending": any(m.status == "pending" for m in debrief.transcript),
    }


@router.get("/app/debriefs/{debrief_id}", response_class=HTMLResponse)
def debrief_page(
    request: Request, debrief_id: str, recruiter: SignedIn, debriefs: DebriefsDep, drafts: DraftsDep,
    service: ServiceDep,
) -> Response:
    return page(request, "debrief.html", recruiter=recruiter, kinds=KINDS,
                drafts=drafts.list(recruiter.id, debrief_id),
                ats_link=service.links.of_debrief(recruiter.id, debrief_id), ats_systems=SYSTEMS,
                **_debrief_context(debriefs, recruiter.id, debrief_id))


@router.get("/app/debriefs/{debrief_id}/live", response_class=HTMLResponse)
def live_panels(request: Request, debrief_id: str, recruiter: SignedIn, debriefs: DebriefsDep) -> Response:
    """The transcript, record and guidance panels, for the page to swap in after a streamed turn."""
    return page(request, "live.html", **_debrief_context(debriefs, recruiter.id, debrief_id))


@router.get("/app/debriefs/{debrief_id}/refinement")
async def refinement_done(
    debrief_id: str, recruiter: SignedIn, debriefs: DebriefsDep, service: Annotated[Service, Depends(get_service)]
) -> Response:
    """Answers once no whole-conversation pass is running or due for the debrief, so the page can say
    the record is being refined and swap in the refined panels when it is done: 200 after waiting for
    a pass, 204 when none was running (nothing to swap in)."""
    await run_in_threadpool(debriefs.get, recruiter.id, debrief_id)
    if service.refiner and service.refiner.is_refining(debrief_id):
        await run_in_threadpool(service.refiner.wait, debrief_id, service.settings.llm.timeout_s * 2)
        return Response(status_code=200)
    return Response(status_code=204)


@router.post("/app/debriefs/{debrief_id}/messages")
def post_message(
    request: Request, debrief_id: str, recruiter: Acting, debriefs: DebriefsDep,
    text: Annotated[TypedText, Form()] = "",
) -> Response:
    """Without JavaScript the form lands here: the whole turn, then the page again."""
    try:
        debriefs.post_message(recruiter.id, debrief_id, text)
    except DebriefError as exc:
        return redirect(request, debrief_url(debrief_id), error=problem_text(exc))
    return redirect(request, debrief_url(debrief_id) + "#chat-form")


@router.post("/app/debriefs/{debrief_id}/messages/stream")
async def stream_message(debrief_id: str, body: PostMessage, recruiter: Acting, debriefs: DebriefsDep) -> Response:
    events = debriefs.stream_message(recruiter.id, debrief_id, body.text)
    first = await run_in_threadpool(next, events)  # bad input still gets a plain 4xx
    return EventSourceResponse(turn_events(first, events, debrief_id))


@router.post("/app/debriefs/{debrief_id}/retry")
def retry(request: Request, debrief_id: str, recruiter: Acting, debriefs: DebriefsDep) -> Response:
    try:
        debriefs.retry(recruiter.id, debrief_id)
    except DebriefError as exc:
        return redirect(request, debrief_url(debrief_id), error=problem_text(exc))
    return redirect(request, debrief_url(debrief_id))


@router.post("/app/debriefs/{debrief_id}/retry/stream")
async def stream_retry(debrief_id: str, recruiter: Acting, debriefs: DebriefsDep) -> Response:
    events = debriefs.stream_retry(recruiter.id, debrief_id)
    first = await run_in_threadpool(next, events)
    return EventSourceResponse(turn_events(first, events, debrief_id))


@router.post("/app/debriefs/{debrief_id}/corrections")
def correct(
    request: Request, debrief_id: str, recruiter: Acting, debriefs: DebriefsDep,
    field: Annotated[TypedText, Form(max_length=100)], value: Annotated[TypedText, Form(max_length=4000)] = "",
) -> Response:
    try:
        outcome = debriefs.correct(recruiter.id, debrief_id, field, value)
    except DebriefError as exc:
        return redirect(request, debrief_url(debrief_id) + "#record", error=problem_text(exc))
    return redirect(request, debrief_url(debrief_id) + "#record", notice=outcome.reply.splitlines()[0])


def problem_text(exc: DebriefError) -> str:
    """The API's wording, minus its advice to call an endpoint: the page offers a button instead."""
    _status, detail = status_and_detail(exc, "")
    return detail.split(" Your message was kept")[0] + (" Your message was kept: retry it below."
                                                        if "Your message was kept" in detail else "")
