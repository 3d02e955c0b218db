"""The caller is authenticated before a request's body is read.

FastAPI reads and parses a body before it resolves a route's dependencies, the API key among them: an
unauthenticated client sending a malformed body would get 422 (telling it about the route), have its
upload parsed, and never meet the rate limit that refused keys count against. This middleware runs
first: for a route that needs a recruiter's key, a missing or unknown key is answered with 401 (counted
against the caller's address, so 429 once over the rate) before the body is touched; for a web page that
needs a sign-in, the page's own answer for a signed-out visitor. The routes' dependencies still check
again, so a route is never less protected than its signature says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import current_recruiter
from api.errors import retry_after, status_and_detail
from api.web.session import signed_in
from assistant.access import AccessDenied
from assistant.core import TooManyRequests
from assistant.service import Service

_BEARER = "bearer"
_SESSION = "session"


def _needs(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return any(d.call is call or _needs(d, call) for d in dependant.dependencies)


class AuthenticateFirst:
    def __init__(self, app: ASGIApp, router: Router, signed_out: Callable[[Request], Response]) -> None:
        self.app = app
        self.router = router
        self.signed_out = signed_out
        self._routes: list[tuple[APIRoute, str | None]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    def _refusal(self, scope: Scope) -> Response | None:
        kind = self._kind(scope)
        if kind is None:
            return None
        request = Request(scope)
        service: Service | None = getattr(scope["app"].state, "service", None)
        if service is None:
            return None  # not started: the route's own dependencies answer
        if kind == _SESSION:
            try:
                recruiter = service.keys.authenticate_hash(request.session.get("key"))
            except AccessDenied:
                return self.signed_out(request)
            if not service.sign_ins.is_open(request.session.get("sign_in"), recruiter.id):
                return self.signed_out(request)
            return None
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        try:
            service.keys.authenticate(credentials.strip() if scheme.lower() == _BEARER else None)
        except AccessDenied as denied:
            try:
                service.quota.take(f"address:{request.client.host if request.client else 'unknown'}")
            except TooManyRequests as limited:
                return _problem(limited)
            return _problem(denied)
        return None

    def _kind(self, scope: Scope) -> str | None:
        """Which sign-in the matched route needs: a bearer key, a web session, or none."""
        if self._routes is None:
            self._routes = [(route, _route_kind(route)) for route in _api_routes(self.router.routes)]
        for route, kind in self._routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return kind
        return None


def _api_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    """Every route, also inside included routers (which newer FastAPI keeps whole rather than copying their
    routes; a router's own prefix is in its routes' paths, and the app includes routers without one)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes)


def _route_kind(route: APIRoute) -> str | None:
    if _needs(route.dependant, current_recruiter):
        return _BEARER
    if _needs(route.dependant, signed_in):
        return _SESSION
    return None


def _problem(exc: AccessDenied | TooManyRequests) -> Response:
    status, detail = status_and_detail(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if (seconds := retry_after(exc)) is not None:
        headers["Retry-After"] = str(seconds)
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)
