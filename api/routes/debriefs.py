"""/debriefs: open, read, list, erase a debrief, and chat in it (plain or streamed)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future
from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from fastapi.responses import JSONResponse
from sse_starlette.sse import EventSourceResponse

from api.deps import DebriefsDep, ErasureDep, InterviewsDep, RecruiterDep, ReplaysDep, ServiceDep
from api.errors import status_and_detail
from api.idempotent import (
    REPLAYED,
    IdempotencyKey,
    IfMatch,
    claim_or_replay,
    etag,
    expected_version,
    once,
    record_failure,
    settle_failure,
)
from api.models import (
    DebriefOpened,
    DebriefOut,
    DebriefSummary,
    GuidanceOut,
    LegalHoldOut,
    MessageOut,
    OpenDebrief,
    PostMessage,
    Problem,
    SetLegalHold,
    TurnOut,
)
from api.routes.playbook import citation_out
from assistant.access import Answer, Claim, Replays
from assistant.conversation import Debrief, TurnOutcome
from assistant.core import DebriefError
from assistant.playbook import GuidanceNote

router = APIRouter(prefix="/debriefs", tags=["debriefs"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or unknown API key"},
    404: {"model": Problem, "description": "No such debrief for this recruiter"},
    422: {"model": Problem, "description": "A malformed request"},
}
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"model": Problem, "description": "The body could not be read (not UTF-8)"},
}
TURN_ERRORS: dict[int | str, dict[str, Any]] = {
    **BODY_ERRORS,
    409: {"model": Problem, "description": "A message is already waiting for the model"},
    412: {"model": Problem, "description": "If-Match names a version the debrief has moved on from"},
    422: {"model": Problem, "description": "Empty or over-long message, or an Idempotency-Key reused for "
                                           "another request"},
    502: {"model": Problem, "description": "The model's answer could not be read; the message was kept"},
    503: {"model": Problem, "description": "The model endpoint is down or timed out; the message was kept"},
}


def _out(debrief: Debrief, refining: bool = False) -> DebriefOut:
    return DebriefOut(
        id=debrief.id, kind=debrief.kind, record=debrief.record, created_at=debrief.created_at,
        updated_at=debrief.updated_at, version=debrief.version,
        transcript=[MessageOut.model_validate(m, from_attributes=True) for m in debrief.transcript],
        refining=refining,
    )


def _turn(outcome: TurnOutcome) -> TurnOut:
    return TurnOut(
        reply=outcome.reply, record=outcome.record, captured=outcome.applied, left_out=outcome.rejected,
        usage=outcome.usage, guidance=[_guidance(note) for note in outcome.guidance], version=outcome.version,
    )


def _guidance(note: GuidanceNote) -> GuidanceOut:
    return GuidanceOut(
        citation=citation_out(note.entry_id, note.title, note.heading, note.file, note.collection),
        text=note.text, reason=note.reason,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DebriefOpened, responses=BODY_ERRORS)
def open_debrief(
    body: OpenDebrief, recruiter: RecruiterDep, debriefs: DebriefsDep, interviews: InterviewsDep, response: Response
) -> DebriefOpened:
    prefill = body.model_dump(exclude={"kind", "interview_id"})
    if body.interview_id is None:
        debrief = debriefs.open(recruiter.id, body.kind, prefill)
    else:
        debrief = interviews.open_debrief(recruiter.id, body.interview_id, body.kind, prefill)
    response.headers["ETag"] = etag(debrief.version)
    return DebriefOpened(
        id=debrief.id, kind=debrief.kind, question=debrief.question or "", record=debrief.record,
        version=debrief.version,
    )


@router.get("", response_model=list[DebriefSummary], responses=ERRORS)
def list_debriefs(recruiter: RecruiterDep, debriefs: DebriefsDep) -> list[DebriefSummary]:
    return [
        DebriefSummary(
            id=d.id, kind=d.kind, candidate_name=d.record.value("candidate_name"),
            role_title=d.record.value("role_title"), company=d.record.value("company"),
            completeness=d.record.completeness, created_at=d.created_at, updated_at=d.updated_at,
            version=d.version,
        )
        for d in debriefs.list(recruiter.id)
    ]


@router.get("/{debrief_id}", response_model=DebriefOut, responses=ERRORS)
def get_debrief(
    debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep, service: ServiceDep, response: Response
) -> DebriefOut:
    debrief = debriefs.get(recruiter.id, debrief_id)
    response.headers["ETag"] = etag(debrief.version)
    return _out(debrief, bool(service.refiner and service.refiner.is_refining(debrief_id)))


@router.get(
    "/{debrief_id}/refinement", responses={**ERRORS, 200: {
        "content": {"text/event-stream": {}}, "description": "Server-sent events"}},
)
async def watch_refinement(debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep,
                           service: ServiceDep) -> EventSourceResponse:
    """The whole-conversation pass as server-sent events: `refining` while one runs or is due (after a
    turn, once the recruiter stops typing), then `refined` with the debrief's version and what the last
    pass filled in (`filled`, empty when it found nothing the turns had missed or none has run)."""
    debrief = await run_in_threadpool(debriefs.get, recruiter.id, debrief_id)
    refiner = service.refiner

    async def events() -> AsyncIterator[dict[str, str]]:
        outcome = None
        if refiner:
            if refiner.is_refining(debrief_id):
                yield {"event": "refining", "data": json.dumps({"version": debrief.version})}
            # The running pass's outcome once it ends, else the last one's (None: no pass yet).
            outcome = await run_in_threadpool(refiner.wait, debrief_id, service.settings.llm.timeout_s * 2)
        latest = await run_in_threadpool(debriefs.get, recruiter.id, debrief_id)
        filled = [u.model_dump(mode="json") for u in outcome.applied] if outcome else []
        yield {"event": "refined", "data": json.dumps({"version": latest.version, "filled": filled})}

    return EventSourceResponse(events())


@router.get("/{debrief_id}/guidance", response_model=list[GuidanceOut], responses=ERRORS)
def get_guidance(debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep) -> list[GuidanceOut]:
    """The playbook advice shown in this debrief so far, oldest first, each entry once."""
    return [_guidance(note) for note in debriefs.guidance(recruiter.id, debrief_id)]


@router.delete(
    "/{debrief_id}", status_code=status.HTTP_204_NO_CONTENT,
    responses={**ERRORS, 409: {"model": Problem, "description": "The debrief is under a legal hold"}},
)
def delete_debrief(debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep) -> Response:
    debriefs.delete(recruiter.id, debrief_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{debrief_id}/legal-hold", response_model=LegalHoldOut, responses=BODY_ERRORS)
def set_legal_hold(debrief_id: str, body: SetLegalHold, recruiter: RecruiterDep, erasure: ErasureDep) -> LegalHoldOut:
    """Place (`{"hold": true, "reason": "..."}`) or release (`{"hold": false}`) a legal hold. A held
    debrief is kept by retention and by an erasure request, and DELETE refuses it (409)."""
    held = erasure.hold(recruiter.id, debrief_id, body.hold, body.reason)
    return LegalHoldOut(debrief_id=held.debrief_id, hold=held.held, reason=held.reason, held_at=held.held_at)


@router.post("/{debrief_id}/messages", response_model=TurnOut, responses=TURN_ERRORS)
async def post_message(
    debrief_id: str, body: PostMessage, request: Request, recruiter: RecruiterDep, debriefs: DebriefsDep,
    replays: ReplaysDep, idempotency_key: IdempotencyKey = None, if_match: IfMatch = None,
) -> JSONResponse:
    """One turn. With an Idempotency-Key, a resend of the same request (also one sent while the first is
    still running: it waits) gets the first answer and the turn is not run twice."""
    version = expected_version(if_match)

    async def run() -> dict[str, Any]:
        outcome = await run_in_threadpool(debriefs.post_message, recruiter.id, debrief_id, body.text, version)
        return _turn(outcome).model_dump(mode="json")

    return await once(replays, request, recruiter.id, idempotency_key, body.model_dump(mode="json"), debrief_id, run)


@router.post("/{debrief_id}/retry", response_model=TurnOut, responses=TURN_ERRORS)
async def retry_message(
    debrief_id: str, request: Request, recruiter: RecruiterDep, debriefs: DebriefsDep, replays: ReplaysDep,
    idempotency_key: IdempotencyKey = None, if_match: IfMatch = None,
) -> JSONResponse:
    """Run the message that is waiting for the model (after a 503 or 502) again."""
    version = expected_version(if_match)

    async def run() -> dict[str, Any]:
        outcome = await run_in_threadpool(debriefs.retry, recruiter.id, debrief_id, version)
        return _turn(outcome).model_dump(mode="json")

    return await once(replays, request, recruiter.id, idempotency_key, None, debrief_id, run)


@router.post(
    "/{debrief_id}/messages/stream",
    responses={**TURN_ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"}},
)
async def stream_message(
    debrief_id: str, body: PostMessage, request: Request, recruiter: RecruiterDep, debriefs: DebriefsDep,
    replays: ReplaysDep, idempotency_key: IdempotencyKey = None, if_match: IfMatch = None,
) -> EventSourceResponse:
    """The same turn as POST /messages, as server-sent events: `accepted` once the message is stored,
    `status` and `progress` while the model writes, then `guidance` (when there is new advice), `reply`
    and `record`, or `error`. A replay (same Idempotency-Key) sends `accepted` and the final events again,
    without `status` and `progress`."""
    version = expected_version(if_match)
    claim: Claim | None = None
    if idempotency_key is not None:
        got = await claim_or_replay(
            replays, request, recruiter.id, idempotency_key, body.model_dump(mode="json"), debrief_id
        )
        if isinstance(got, Answer):
            return EventSourceResponse(_replayed_sse(debrief_id, got), headers={REPLAYED: "true"})
        claim = got
    events = debriefs.stream_message(recruiter.id, debrief_id, body.text, expected_version=version)
    # Run up to the first event before answering, so bad input still gets a plain 4xx.
    try:
        first = await run_in_threadpool(next, events)
    except BaseException as exc:
        if claim is not None:
            with anyio.CancelScope(shield=True):
                await settle_failure(replays, claim, exc, debrief_id)
        raise
    if claim is not None:
        # The turn runs to its end whether or not the client stays to read it (assistant/handoff.py), so
        # its answer is stored for the key when it ends: a resend after a dropped connection gets it.
        settle = partial(_settle, replays, claim, debrief_id)
        if events.outcome.done():
            await run_in_threadpool(settle, events.outcome)
        else:
            events.outcome.add_done_callback(settle)
    return EventSourceResponse(turn_events(first, events, debrief_id))


def _settle(replays: Replays, claim: Claim, debrief_id: str, outcome: Future[TurnOutcome]) -> None:
    failure = outcome.exception()
    if failure is None:
        replays.complete(claim, Answer(200, _turn(outcome.result()).model_dump(mode="json")))
    else:
        record_failure(replays, claim, failure, debrief_id)


async def turn_events(first: Any, events: Iterator[Any], debrief_id: str) -> AsyncIterator[dict[str, str]]:
    """The turn's events, read from the thread the turn runs in; a client that hangs up stops only this."""
    try:
        yield _event(first)
        async for event in iterate_in_threadpool(events):
            if isinstance(event, TurnOutcome):
                for final in _final_events(_turn(event)):
                    yield final
            else:
                yield _event(event)
    except DebriefError as exc:
        code, detail = status_and_detail(exc, debrief_id)
        yield {"event": "error", "data": json.dumps({"status": code, "detail": detail})}


async def _replayed_sse(debrief_id: str, answer: Answer) -> AsyncIterator[dict[str, str]]:
    yield {"event": "accepted", "data": json.dumps({"debrief_id": debrief_id})}
    if answer.status == 200:
        for final in _final_events(TurnOut.model_validate(answer.body)):
            yield final
    else:
        yield {"event": "error", "data": json.dumps({"status": answer.status, **answer.body})}


def _final_events(turn: TurnOut) -> Iterator[dict[str, str]]:
    for update in turn.captured:
        yield {"event": "captured", "data": update.model_dump_json()}
    if turn.guidance:
        yield {"event": "guidance", "data": json.dumps([g.model_dump() for g in turn.guidance])}
    yield {"event": "reply", "data": json.dumps({"text": turn.reply})}
    yield {"event": "record", "data": turn.model_dump_json()}


def _event(event: tuple[str, dict[str, Any]]) -> dict[str, str]:
    name, data = event
    return {"event": name, "data": json.dumps(data)}
