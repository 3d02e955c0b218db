"""Idempotency keys: a request sent again with the same key gets the first answer, not a second turn.

A recruiter's client that lost the answer to a POST (a dropped connection, a timeout, a retrying proxy)
sends it again with the same key; the model is not called twice and the message is not stored twice.

- Keys are scoped by recruiter: one recruiter's key never reaches another's answer.
- The first request to use a key claims it; the answer is kept for `ttl_s` and replayed to every later
  request with the same key and the same request (method, path, body). The same key with another request
  is refused (IdempotencyKeyReused).
- A duplicate that arrives while the first is still running waits for it and gets its answer, instead of
  a 409: that is what a client retrying a slow request needs.
- Answers are only kept for requests that were carried out; a request refused before it changed anything
  (unknown debrief, stale version, bad input) releases its key, so it can be sent again once fixed.
- A claim whose holder died (a crash mid-turn) is taken over once its lease has run out.

Nothing here knows about HTTP: an answer is a status number and a JSON body, kept as they were given.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from assistant.core import IdempotencyKeyReused, InvalidInput
from assistant.storage import IdempotencyRow, Store, as_utc

MAX_KEY_CHARS = 200


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


@dataclass(frozen=True)
class Claim:
    """The right (and the duty) to run the request and then complete or release the key."""

    recruiter_id: str
    key: str
    token: str


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """SHA-256 of the request as it means something: key order and spacing in the body do not count."""
    canonical = json.dumps(
        {"method": method.upper(), "path": path, "body": body}, sort_keys=True, separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Replays:
    def __init__(
        self, store: Store, ttl_s: float, lease_s: float, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """`lease_s`: how long a claim may run before another request may take it over; longer than the
        slowest turn (the model timeout with its retries), so a slow turn is never run twice."""
        self._store = store
        self._ttl = timedelta(seconds=ttl_s)
        self._lease = timedelta(seconds=lease_s)
        self._clock = clock
        self._settled: dict[tuple[str, str], threading.Event] = {}
        self._guard = threading.Lock()

    def begin(
        self, recruiter_id: str, key: str, request_sha256: str, debrief_id: str | None = None
    ) -> Answer | Claim | None:
        """The stored answer to replay, a claim to run the request, or None while another request with
        this key is running (wait, then ask again)."""
        if not key or len(key) > MAX_KEY_CHARS or not key.isprintable():
            raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_CHARS} printable characters")
        now = self._clock()
        try:
            with self._store.session() as s:
                # Expired answers go as keys are used, so the table never needs a separate sweep.
                s.execute(delete(IdempotencyRow).where(IdempotencyRow.expires_at <= now))
                row = s.get(IdempotencyRow, (recruiter_id, key))
                if row is None:
                    token = str(uuid.uuid4())
                    s.add(IdempotencyRow(
                        recruiter_id=recruiter_id, key=key, request_sha256=request_sha256, debrief_id=debrief_id,
                        state="running", token=token, started_at=now, expires_at=now + self._ttl,
                    ))
                    s.flush()
                    return Claim(recruiter_id, key, token)
                if row.request_sha256 != request_sha256:
                    raise IdempotencyKeyReused(
                        "this Idempotency-Key was already used for a different request (another debrief, "
                        "endpoint or body); send a new key with a new request"
                    )
                if row.state == "done":
                    return Answer(int(row.status or 200), row.body)
                if as_utc(row.started_at) + self._lease <= now:
                    row.token, row.started_at = str(uuid.uuid4()), now
                    return Claim(recruiter_id, key, row.token)
                return None
        except IntegrityError:
            # Another process inserted the same key a moment earlier (Postgres); it is running now.
            return None

    def complete(self, claim: Claim, answer: Answer) -> None:
        with self._store.session() as s:
            s.execute(
                update(IdempotencyRow)
                .where(IdempotencyRow.recruiter_id == claim.recruiter_id, IdempotencyRow.key == claim.key,
                       IdempotencyRow.token == claim.token)
                .values(state="done", status=answer.status, body=answer.body)
            )
        self._notify(claim)

    def release(self, claim: Claim) -> None:
        """Forget the key: the request was refused before it changed anything."""
        with self._store.session() as s:
            s.execute(
                delete(IdempotencyRow)
                .where(IdempotencyRow.recruiter_id == claim.recruiter_id, IdempotencyRow.key == claim.key,
                       IdempotencyRow.token == claim.token)
            )
        self._notify(claim)

    async def wait(self, recruiter_id: str, key: str, timeout_s: float = 1.0) -> None:
        """Sleep until the running request with this key settles in this process, or `timeout_s` passes
        (a request in another process is noticed when the caller asks `begin` again)."""
        event = self._event(recruiter_id, key)
        deadline = time.monotonic() + timeout_s
        while not event.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def _event(self, recruiter_id: str, key: str) -> threading.Event:
        with self._guard:
            return self._settled.setdefault((recruiter_id, key), threading.Event())

    def _notify(self, claim: Claim) -> None:
        with self._guard:
            event = self._settled.pop((claim.recruiter_id, claim.key), None)
        if event:
            event.set()
