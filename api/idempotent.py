"""Idempotency-Key and If-Match for the routes that change a debrief: read the headers, call the domain.

Any route that changes a debrief takes the same two headers the same way: the turn routes now, draft and
edit posts later.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import anyio
from fastapi import Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.errors import status_and_detail
from assistant.access import Answer, Claim, Replays, request_fingerprint
from assistant.core import DebriefError, InvalidInput

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=200,
    description="Any unique string (a UUID). Sent again with the same request, the first answer is replayed "
                "instead of running the turn twice; with a different request, 422. Remembered for "
                "DEBRIEF_IDEMPOTENCY_TTL_S (default 24 h).",
)]
IfMatch = Annotated[str | None, Header(
    alias="If-Match",
    description="The ETag of GET /debriefs/{id} (its version, e.g. \"3\"): the change is refused with 412 "
                "when the debrief has changed since.",
)]
REPLAYED = "Idempotent-Replayed"
_ETAG = re.compile(r'\s*(?:W/)?"?(\d{1,18})"?\s*')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header names; None when absent or `*` (any version)."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.fullmatch(if_match)
    if found is None:
        raise InvalidInput('If-Match must be one ETag as GET /debriefs/{id} returns it, e.g. "3"')
    return int(found.group(1))


async def claim_or_replay(
    replays: Replays, request: Request, recruiter_id: str, key: str, body: Any, debrief_id: str
) -> Answer | Claim:
    """Claim the key, or get the stored answer; a duplicate of a running request waits here (without
    holding a worker thread, which the running request may need) and then gets its answer."""
    fingerprint = request_fingerprint(request.method, request.url.path, body)
    while True:
        got = await run_in_threadpool(replays.begin, recruiter_id, key, fingerprint, debrief_id)
        if got is not None:
            return got
        await replays.wait(recruiter_id, key)


async def settle_failure(replays: Replays, claim: Claim, exc: BaseException, debrief_id: str) -> None:
    await run_in_threadpool(record_failure, replays, claim, exc, debrief_id)


def record_failure(replays: Replays, claim: Claim, exc: BaseException, debrief_id: str) -> None:
    """A model failure after the message was stored is kept as the answer (the request did change the
    debrief: a resend must not store the message again). A refusal changed nothing: the key is freed."""
    if isinstance(exc, DebriefError):
        code, detail = status_and_detail(exc, debrief_id)
        if code >= 500:
            replays.complete(claim, Answer(code, {"detail": detail}))
            return
    replays.release(claim)


def replayed(answer: Answer) -> JSONResponse:
    headers = {REPLAYED: "true"}
    if answer.status < 300 and isinstance(answer.body, dict) and "version" in answer.body:
        headers["ETag"] = etag(int(answer.body["version"]))
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


async def once(
    replays: Replays, request: Request, recruiter_id: str, key: str | None, body: Any, debrief_id: str,
    run: Callable[[], Awaitable[dict[str, Any]]],
) -> JSONResponse:
    """Run a change (its answer a JSON object with the new `version`) at most once per key."""
    if key is None:
        answer = await run()
        return JSONResponse(answer, headers={"ETag": etag(int(answer["version"]))})
    got = await claim_or_replay(replays, request, recruiter_id, key, body, debrief_id)
    if isinstance(got, Answer):
        return replayed(got)
    try:
        answer = await run()
    except BaseException as exc:
        # Shielded: a client that hangs up must not leave the key claimed until its lease runs out.
        with anyio.CancelScope(shield=True):
            await settle_failure(replays, got, exc, debrief_id)
        raise
    await run_in_threadpool(replays.complete, got, Answer(200, answer))
    return JSONResponse(answer, headers={"ETag": etag(int(answer["version"]))})
