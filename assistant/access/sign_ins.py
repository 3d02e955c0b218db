"""Web sign-ins kept on the server, so that signing out ends one.

The session cookie is signed, not encrypted, and valid until it expires: on its own, a copy saved before
sign-out would still open the pages for up to DEBRIEF_SESSION_MAX_AGE_S. Each sign-in is therefore a row
named by a random id that the cookie carries; a request is signed in only while that row exists, and
signing out deletes it. Only the id's SHA-256 is stored, so reading the table gives no usable cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from assistant.storage import SignInRow, Store, as_utc


def _digest(sign_in_id: str) -> str:
    return hashlib.sha256(sign_in_id.encode("utf-8")).hexdigest()


class SignIns:
    def __init__(self, store: Store, max_age_s: int) -> None:
        self._store = store
        self._max_age = timedelta(seconds=max_age_s)

    def start(self, recruiter_id: str) -> str:
        """A new sign-in; returns the id for the cookie. Sign-ins past their age are cleared on the way."""
        sign_in_id = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self._store.session() as s:
            s.execute(delete(SignInRow).where(SignInRow.started_at < now - self._max_age))
            s.add(SignInRow(id_sha256=_digest(sign_in_id), recruiter_id=recruiter_id, started_at=now))
        return sign_in_id

    def is_open(self, sign_in_id: object, recruiter_id: str) -> bool:
        if not isinstance(sign_in_id, str) or not sign_in_id:
            return False
        with self._store.session() as s:
            row = s.get(SignInRow, _digest(sign_in_id))
            return (row is not None and row.recruiter_id == recruiter_id
                    and as_utc(row.started_at) > datetime.now(UTC) - self._max_age)

    def end(self, sign_in_id: object) -> None:
        if isinstance(sign_in_id, str) and sign_in_id:
            with self._store.session() as s:
                s.execute(delete(SignInRow).where(SignInRow.id_sha256 == _digest(sign_in_id)))
