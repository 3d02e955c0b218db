"""/debriefs: open, read, list, erase a debrief, and chat in it (plain or streamed)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from sse_starlette.sse import EventSourceResponse

from api.deps import DebriefsDep, InterviewsDep, RecruiterDep
from api.errors import status_and_detail
from api.models import (
    DebriefOpened,
    DebriefOut,
    DebriefSummary,
    GuidanceOut,
    MessageOut,
    OpenDebrief,
    PostMessage,
    Problem,
    TurnOut,
)
from api.routes.playbook import citation_out
from assistant.debriefs import Debrief, TurnOutcome
from assistant.errors import DebriefError
from assistant.guidance import GuidanceNote

router = APIRouter(prefix="/debriefs", tags=["debriefs"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or unknown API key"},
    404: {"model": Problem, "description": "No such debrief for this recruiter"},
}
TURN_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": Problem, "description": "A message is already waiting for the model"},
    422: {"model": Problem, "description": "Empty or over-long message"},
    502: {"model": Problem, "description": "The model's answer could not be read; the message was kept"},
    503: {"model": Problem, "description": "The model endpoint is down or timed out; the message was kept"},
}


def _out(debrief: Debrief) -> DebriefOut:
    return DebriefOut(
        id=debrief.id, kind=debrief.kind, record=debrief.record, created_at=debrief.created_at,
        updated_at=debrief.updated_at,
        transcript=[MessageOut.model_validate(m, from_attributes=True) for m in debrief.transcript],
    )


def _turn(outcome: TurnOutcome) -> TurnOut:
    return TurnOut(
        reply=outcome.reply, record=outcome.record, captured=outcome.applied, left_out=outcome.rejected,
        usage=outcome.usage, guidance=[_guidance(note) for note in outcome.guidance],
    )


def _guidance(note: GuidanceNote) -> GuidanceOut:
    return GuidanceOut(
        citation=citation_out(note.entry_id, note.title, note.heading, note.file, note.collection),
        text=note.text, reason=note.reason,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DebriefOpened, responses=ERRORS)
def open_debrief(
    body: OpenDebrief, recruiter: RecruiterDep, debriefs: DebriefsDep, interviews: InterviewsDep
) -> DebriefOpened:
    prefill = body.model_dump(exclude={"kind", "interview_id"})
    if body.interview_id is None:
        debrief = debriefs.open(recruiter.id, body.kind, prefill)
    else:
        debrief = interviews.open_debrief(recruiter.id, body.interview_id, body.kind, prefill)
    return DebriefOpened(id=debrief.id, kind=debrief.kind, question=debrief.question or "", record=debrief.record)


@router.get("", response_model=list[DebriefSummary], responses=ERRORS)
def list_debriefs(recruiter: RecruiterDep, debriefs: DebriefsDep) -> list[DebriefSummary]:
    return [
        DebriefSummary(
            id=d.id, kind=d.kind, candidate_name=d.record.value("candidate_name"),
            role_title=d.record.value("role_title"), company=d.record.value("company"),
            completeness=d.record.completeness, created_at=d.created_at, updated_at=d.updated_at,
        )
        for d in debriefs.list(recruiter.id)
    ]


@router.get("/{debrief_id}", response_model=DebriefOut, responses=ERRORS)
def get_debrief(debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep) -> DebriefOut:
    return _out(debriefs.get(recruiter.id, debrief_id))


@router.get("/{debrief_id}/guidance", response_model=list[GuidanceOut], responses=ERRORS)
def get_guidance(debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep) -> list[GuidanceOut]:
    """The playbook advice shown in this debrief so far, oldest first, each entry once."""
    return [_guidance(note) for note in debriefs.guidance(recruiter.id, debrief_id)]


@router.delete("/{debrief_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_debrief(debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep) -> Response:
    debriefs.delete(recruiter.id, debrief_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{debrief_id}/messages", response_model=TurnOut, responses=TURN_ERRORS)
def post_message(debrief_id: str, body: PostMessage, recruiter: RecruiterDep, debriefs: DebriefsDep) -> TurnOut:
    return _turn(debriefs.post_message(recruiter.id, debrief_id, body.text))


@router.post("/{debrief_id}/retry", response_model=TurnOut, responses=TURN_ERRORS)
def retry_message(debrief_id: str, recruiter: RecruiterDep, debriefs: DebriefsDep) -> TurnOut:
    """Run the message that is waiting for the model (after a 503 or 502) again."""
    return _turn(debriefs.retry(recruiter.id, debrief_id))


@router.post(
    "/{debrief_id}/messages/stream",
    responses={**TURN_ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"}},
)
async def stream_message(
    debrief_id: str, body: PostMessage, recruiter: RecruiterDep, debriefs: DebriefsDep
) -> EventSourceResponse:
    """The same turn as POST /messages, as server-sent events: `accepted` once the message is stored,
    `status` and `progress` while the model writes, then `guidance` (when there is new advice), `reply`
    and `record`, or `error`."""
    events = debriefs.stream_message(recruiter.id, debrief_id, body.text)
    # Run up to the first event before answering, so bad input still gets a plain 4xx.
    first = await run_in_threadpool(next, events)
    return EventSourceResponse(_sse(first, events))


async def _sse(first: Any, events: Iterator[Any]) -> AsyncIterator[dict[str, str]]:
    yield _event(first)
    try:
        async for event in iterate_in_threadpool(events):
            if isinstance(event, TurnOutcome):
                turn = _turn(event)
                for update in turn.captured:
                    yield {"event": "captured", "data": update.model_dump_json()}
                if turn.guidance:
                    yield {"event": "guidance", "data": json.dumps([g.model_dump() for g in turn.guidance])}
                yield {"event": "reply", "data": json.dumps({"text": turn.reply})}
                yield {"event": "record", "data": turn.model_dump_json()}
            else:
                yield _event(event)
    except DebriefError as exc:
        code, detail = status_and_detail(exc)
        yield {"event": "error", "data": json.dumps({"status": code, "detail": detail})}


def _event(event: tuple[str, dict[str, Any]]) -> dict[str, str]:
    name, data = event
    return {"event": name, "data": json.dumps(data)}
