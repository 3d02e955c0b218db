"""HTML responses: Jinja2 with autoescaping always on, the flash message, and the security headers."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.web.session import csrf_token
from assistant.conversation import label, show
from assistant.core import INVISIBLE

TEMPLATES = Path(str(files("api") / "templates"))

# No inline script or style anywhere: the pages load /static/app.js and /static/app.css only, so an
# injected tag in candidate text could not run even if escaping failed.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}

def _visible(value: Any) -> Any:
    """Every shown text without direction controls or zero-width characters: text stored before inputs
    were cleaned (or written by the model) must not reorder or hide what a page shows."""
    # type(value): a Markup stays Markup (already escaped), so it is not escaped a second time.
    return type(value)(INVISIBLE.sub("", value)) if isinstance(value, str) else value


env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                  trim_blocks=True, lstrip_blocks=True, finalize=_visible)
env.filters["label"] = label
env.filters["show"] = show
env.filters["percent"] = lambda share: f"{round(100 * float(share or 0))} %"
env.filters["when"] = lambda moment: moment.strftime("%d %b %Y, %H:%M") if moment else ""


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    flash = request.session.pop("flash", None)
    html = env.get_template(template).render(
        request=request, csrf=csrf_token(request), flash=flash, signed_in="key" in request.session, **context
    )
    return HTMLResponse(html, status_code=status_code)


def redirect(request: Request, url: str, error: str | None = None, notice: str | None = None) -> RedirectResponse:
    """Post, redirect, get: a reload never re-sends the form. The message shows once on the next page."""
    if error or notice:
        request.session["flash"] = {"kind": "error" if error else "notice", "text": error or notice}
    return RedirectResponse(url, status_code=303)


class SecurityHeaders:
    """Adds the page headers (CSP first of all) to every HTML response, error pages included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    headers.extend((k.encode(), v.encode()) for k, v in HEADERS.items())
            await send(message)

        await self.app(scope, receive, with_headers)
