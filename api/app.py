"""The FastAPI application: thin translation between HTTP and the debrief engine."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api import access_log, errors, web
from api.authenticate_first import AuthenticateFirst
from api.body_limit import BodyLimit
from api.models import Problem, Readiness
from api.request_ids import RequestIds
from api.routes import ats, candidates, debriefs, drafts, interviews, playbook
from assistant.core import get_settings
from assistant.service import Service

log = logging.getLogger("debrief")


def create_app(service: Service | None = None) -> FastAPI:
    """`service` is injected by tests; otherwise one is built from settings when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = service is None
        running = service if service is not None else Service(get_settings())
        if owned:
            await run_in_threadpool(running.start)
        app.state.service = running
        if running.dev_key:
            sys.stderr.write(
                "\nA recruiter API key was created for local use (shown once, stored only as a hash):\n"
                f"    {running.dev_key}\nSend it as 'Authorization: Bearer <key>'.\n\n"
            )
        try:
            yield
        finally:
            if owned:
                running.stop()

    app = FastAPI(
        title="Debrief",
        version="0.1.0",
        summary="Post-interview debriefs with recruiters: guided chat, evidence-linked records.",
        lifespan=lifespan,
        # Any request can meet these, whatever its route: the body limit and the rate limit sit in front.
        responses={
            413: {"model": Problem, "description": "Request body over DEBRIEF_MAX_REQUEST_BYTES"},
            429: {"model": Problem, "description": "Over the request rate; see the Retry-After header"},
        },
    )
    settings = service.settings if service else get_settings()
    access_log.install()
    errors.install(app)
    # Inside the session middleware (added by web.install, so it runs first): web sign-ins are readable.
    app.add_middleware(AuthenticateFirst, router=app.router, signed_out=web.signed_out)
    web.install(app, settings)
    app.add_middleware(BodyLimit, max_bytes=settings.limits.max_request_bytes)
    # Outermost: every response, refusals by the middlewares above included, carries the request's id.
    app.add_middleware(RequestIds)
    app.include_router(debriefs.router)
    app.include_router(drafts.router)
    app.include_router(interviews.router)
    app.include_router(playbook.router)
    app.include_router(candidates.router)
    app.include_router(ats.router)

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """The API process is up and answering: nothing more is checked here (not the model endpoint, the
        database or the playbook store), so it says "alive", not "ok"."""
        return {"status": "alive"}

    @app.get("/health/live", tags=["service"])
    def live() -> dict[str, str]:
        """Liveness: the process answers HTTP. Restart the service only when this fails; a model server
        that is restarting is reported by /health/ready, not here."""
        return {"status": "alive"}

    @app.get("/health/ready", tags=["service"], response_model=Readiness,
             responses={503: {"model": Readiness, "description": "Not ready; `reasons` says what is out"}})
    async def ready() -> JSONResponse:
        """Readiness: 200 when a turn can run now; 503 with the reasons while the embedded model server is
        stopped or restarting, the database or the playbook store cannot be reached, or the model circuit
        breaker is open."""
        reasons = await run_in_threadpool(app.state.service.readiness)
        body = Readiness(status="not ready" if reasons else "ready", reasons=reasons)
        return JSONResponse(body.model_dump(), status_code=503 if reasons else 200)

    @app.get("/metrics", tags=["service"], include_in_schema=False)
    def metrics() -> Response:
        """Prometheus metrics: turn latency, model calls in flight (the queue in front of the model), tokens,
        model server restarts. Counts only, no recruiter's or candidate's data."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
