"""Signing in to the web app: a signed, HttpOnly, SameSite=Strict cookie holding the key's hash and a
CSRF token; every state-changing request must send the token back."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Header, Request

from api.deps import get_service
from assistant.access import AccessDenied, Recruiter, hash_key
from assistant.core import Settings
from assistant.service import Service

SECRET_FILE = "web-session-secret"
SESSION_ENDED = "Your session has expired or you signed out: sign in again with your API key."


class NotSignedIn(Exception):
    """Pages answer with the sign-in page; the page's own fetch calls get a 401 to show."""


class BadCsrfToken(Exception):
    pass


def session_secret(settings: Settings) -> str:
    """The configured secret, or a random one created once per data directory (readable by its owner only)."""
    if settings.access.session_secret is not None:
        return settings.access.session_secret.get_secret_value()
    path = Path(settings.storage.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def csrf_token(request: Request) -> str:
    """The session's token, made on first use (the sign-in form needs one before anyone signs in)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def sign_in(request: Request, service: Service, key: str) -> Recruiter:
    try:
        recruiter = service.keys.authenticate(key.strip() or None)
    except AccessDenied:
        service.quota.take(f"address:{_address(request)}")  # guessing keys here is rate-limited too
        raise
    service.sign_ins.end(request.session.get("sign_in"))
    request.session.clear()
    # A fresh token at sign-in: one planted before it (session fixation) is worth nothing after.
    request.session.update({"key": hash_key(key.strip()), "csrf": secrets.token_urlsafe(32),
                            "sign_in": service.sign_ins.start(recruiter.id)})
    return recruiter


def sign_out(request: Request, service: Service) -> None:
    """Ends the sign-in on the server too: a copy of the cookie kept from before opens nothing."""
    service.sign_ins.end(request.session.get("sign_in"))
    request.session.clear()


def is_signed_in(request: Request, service: Service) -> bool:
    try:
        recruiter = service.keys.authenticate_hash(request.session.get("key"))
    except AccessDenied:
        return False
    return service.sign_ins.is_open(request.session.get("sign_in"), recruiter.id)


def signed_in(request: Request, service: Annotated[Service, Depends(get_service)]) -> Recruiter:
    """The recruiter whose key the cookie names, while its sign-in is open on the server (see
    assistant/sign_ins.py)."""
    try:
        recruiter = service.keys.authenticate_hash(request.session.get("key"))
    except AccessDenied:
        raise NotSignedIn from None
    if not service.sign_ins.is_open(request.session.get("sign_in"), recruiter.id):
        raise NotSignedIn
    service.quota.take(f"recruiter:{recruiter.id}")
    return recruiter


async def acting(
    request: Request, recruiter: Annotated[Recruiter, Depends(signed_in)],
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> Recruiter:
    """The signed-in recruiter, for a state-changing request that carries the session's CSRF token: form
    posts as `csrf_token`, the page's fetch calls as an X-CSRF-Token header. Sign-in is checked first, so
    an expired session is reported as such, not as a bad token."""
    await check_csrf(request, x_csrf_token)
    return recruiter


async def check_csrf(request: Request, header: str | None) -> None:
    sent = header
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get("csrf_token") or "")
    expected = request.session.get("csrf")
    if not sent or not isinstance(expected, str) or not secrets.compare_digest(sent, expected):
        raise BadCsrfToken


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


SignedIn = Annotated[Recruiter, Depends(signed_in)]
Acting = Annotated[Recruiter, Depends(acting)]
