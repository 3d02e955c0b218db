"""Domain errors become HTTP statuses here, and only here."""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from assistant.access import AccessDenied
from assistant.core import (
    ApprovalBlocked,
    DebriefError,
    DebriefHeld,
    DebriefNotFound,
    DraftClosed,
    DraftNotFound,
    IdempotencyKeyReused,
    InvalidInput,
    MessagePending,
    ModelOutputInvalid,
    ModelPaused,
    ModelRestarting,
    ModelUnavailable,
    NothingToRetry,
    PlaybookUnavailable,
    StaleVersion,
    TooManyRequests,
    WebhookNotFound,
)

STATUS: dict[type[DebriefError], int] = {
    AccessDenied: 401,
    DebriefNotFound: 404,
    DraftNotFound: 404,
    DraftClosed: 409,
    ApprovalBlocked: 409,
    InvalidInput: 422,
    MessagePending: 409,
    NothingToRetry: 409,
    ModelOutputInvalid: 502,
    ModelUnavailable: 503,
    PlaybookUnavailable: 503,
    TooManyRequests: 429,
    IdempotencyKeyReused: 422,
    StaleVersion: 412,
    DebriefHeld: 409,
    WebhookNotFound: 404,
}

MODEL_HINT = (
    "The language model endpoint did not answer: check DEBRIEF_LLM_BASE_URL (or, for the embedded model, "
    "its log) and DEBRIEF_LLM_TIMEOUT_S. Your message was kept: POST {retry} to try again."
)


PAUSED_HINT = (
    "The language model endpoint failed {failures} times in a row, so turns are paused for {seconds} s "
    "(DEBRIEF_LLM_BREAKER_COOLDOWN_S) instead of each waiting out DEBRIEF_LLM_TIMEOUT_S: check "
    "DEBRIEF_LLM_BASE_URL (or, for the embedded model, its log). Your message was kept: "
    "POST {retry} after the pause."
)


RESTARTING_HINT = (
    "The model server stopped and is restarting ({reason}). Your message was kept: POST {retry} in a few "
    "seconds (GET /health/ready says when the model is back)."
)


def retry_after(exc: DebriefError) -> int | None:
    """Seconds for a Retry-After header, when the error knows when trying again can work."""
    if isinstance(exc, ModelPaused | TooManyRequests | ModelRestarting):
        return max(1, math.ceil(exc.retry_after_s))
    return None


def status_and_detail(exc: DebriefError, debrief_id: str | None = None) -> tuple[int, str]:
    """The status and the sentence to show; `debrief_id` fills in the retry route a model failure names."""
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    retry = f"/debriefs/{debrief_id}/retry" if debrief_id else "/debriefs/<the debrief's id>/retry"
    detail = MODEL_HINT.format(retry=retry) if isinstance(exc, ModelUnavailable) else str(exc)
    if isinstance(exc, ModelRestarting):
        detail = RESTARTING_HINT.format(reason=exc.reason, retry=retry)
    if isinstance(exc, ModelPaused):
        detail = PAUSED_HINT.format(failures=exc.failures, seconds=retry_after(exc), retry=retry)
    if isinstance(exc, ModelOutputInvalid):
        detail = f"The model's answer could not be read ({exc}). Your message was kept: retry it."
    return status, detail


def install(app: FastAPI) -> None:
    @app.exception_handler(DebriefError)
    async def _domain_error(request: Request, exc: DebriefError) -> JSONResponse:
        status, detail = status_and_detail(exc, request.path_params.get("debrief_id"))
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        if (seconds := retry_after(exc)) is not None:
            headers["Retry-After"] = str(seconds)
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # One error shape for every 4xx, as documented: {"detail": "..."}, not FastAPI's list of objects.
        return JSONResponse({"detail": request_problems(exc)}, status_code=422)


def request_problems(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as one sentence a person can act on: "body.text: Field required"."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors()
    ) or "the request is not valid"
