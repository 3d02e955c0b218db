"""The recruiter's web app: HTML pages over the same domain objects the JSON routes call."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.errors import status_and_detail
from api.web import ats_pages, debrief_pages, draft_pages
from api.web.render import SecurityHeaders, page
from api.web.session import SESSION_ENDED, BadCsrfToken, NotSignedIn, session_secret
from assistant.core import DebriefError, Settings

STATIC = Path(str(files("api") / "static"))
COOKIE = "debrief_session"


def install(app: FastAPI, settings: Settings) -> None:
    app.include_router(debrief_pages.router)
    app.include_router(draft_pages.router)
    app.include_router(ats_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    # HttpOnly always (Starlette sets it); SameSite=Strict: no other site's page can make a request that
    # carries the cookie, which backs up the CSRF token. Secure only when told the service is behind HTTPS
    # (DEBRIEF_BEHIND_HTTPS): a browser would never send a Secure cookie over the default loopback http.
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings), session_cookie=COOKIE,
                       max_age=settings.access.session_max_age_s, same_site="strict",
                       https_only=settings.server.behind_https)
    json_handler = app.exception_handlers[DebriefError]

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        return signed_out(request)

    @app.exception_handler(BadCsrfToken)
    async def _bad_token(request: Request, _exc: BadCsrfToken) -> Response:
        detail = "This form is out of date (its security token does not match): reload the page and try again."
        if _wants_page(request):
            return page(request, "error.html", 403, title="Form out of date", detail=detail)
        return JSONResponse({"detail": detail}, status_code=403)

    @app.exception_handler(DebriefError)
    async def _domain_error(request: Request, exc: DebriefError) -> Response:
        if not _is_web(request) or not _wants_page(request):
            return await json_handler(request, exc)  # type: ignore[no-any-return, misc]
        status, detail = status_and_detail(exc, request.path_params.get("debrief_id"))
        title = {404: "Not found", 429: "Too many requests"}.get(status, "Something went wrong")
        return page(request, "error.html", status, title=title, detail=detail)


def signed_out(request: Request) -> Response:
    """The answer to a visitor whose sign-in ended: the sign-in page, or a 401 for the page's fetch calls.
    The cookie is emptied, so a revoked one is not sent again (and /signin does not bounce back to /)."""
    request.session.clear()
    if _wants_page(request):
        return RedirectResponse("/signin" if request.url.path == "/" else "/signin?expired=1", status_code=303)
    return JSONResponse({"detail": SESSION_ENDED}, status_code=401)


def _is_web(request: Request) -> bool:
    return request.url.path == "/" or request.url.path.startswith(("/app/", "/signin", "/signout"))


def _wants_page(request: Request) -> bool:
    """Browser navigations and form posts ask for HTML; the page's own fetch calls do not."""
    home = request.method == "GET" and request.url.path == "/"
    return home or "text/html" in request.headers.get("accept", "")
