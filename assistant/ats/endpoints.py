"""A recruiter's webhook endpoints: adding one (with its signing secret), listing, removing, the log of
what was delivered to it, and replaying a delivery. A recruiter only ever sees their own."""

from __future__ import annotations

import builtins
import ipaddress
import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.ats.events import EVENT_TYPES
from assistant.ats.leases import requeue
from assistant.ats.signing import new_secret
from assistant.core import InvalidInput, WebhookNotFound
from assistant.storage import (
    OutboxEventRow,
    Store,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
    as_utc,
    owned_debrief,
)

MAX_ENDPOINTS = 10
MAX_URL_CHARS = 2000


@dataclass(frozen=True)
class Endpoint:
    id: str
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_at: datetime
    # Given out when the endpoint is added, and otherwise only on request for the one endpoint.
    secret: str | None = None


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status: int | None
    error: str | None
    milliseconds: int


@dataclass(frozen=True)
class Delivery:
    id: str
    event_id: str
    event_type: str
    state: str  # pending | sending | delivered | failed
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    log: list[Attempt] = field(default_factory=list)


class Webhooks:
    def __init__(self, store: Store, allow_private_urls: bool = False) -> None:
        self._store = store
        self._allow_private = allow_private_urls

    def add(self, recruiter_id: str, url: str, events: list[str] | None = None,
            description: str | None = None) -> Endpoint:
        url = self._checked_url(url)
        chosen = sorted(set(events or EVENT_TYPES))
        unknown = [e for e in chosen if e not in EVENT_TYPES]
        if unknown:
            raise InvalidInput(f"unknown event type(s) {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}")
        with self._store.session() as s:
            count = len(s.scalars(select(WebhookEndpointRow.id)
                                  .where(WebhookEndpointRow.recruiter_id == recruiter_id)).all())
            if count >= MAX_ENDPOINTS:
                raise InvalidInput(f"a recruiter may have at most {MAX_ENDPOINTS} webhook endpoints")
            row = WebhookEndpointRow(recruiter_id=recruiter_id, url=url, secret=new_secret(), events=chosen,
                                     description=(description or "").strip()[:300] or None, active=True)
            s.add(row)
            s.flush()
            return _endpoint(row, with_secret=True)

    def list(self, recruiter_id: str) -> list[Endpoint]:
        with self._store.session() as s:
            rows = s.scalars(select(WebhookEndpointRow).where(WebhookEndpointRow.recruiter_id == recruiter_id)
                             .order_by(WebhookEndpointRow.created_at))
            return [_endpoint(r) for r in rows]

    def get(self, recruiter_id: str, endpoint_id: str, with_secret: bool = False) -> Endpoint:
        with self._store.session() as s:
            return _endpoint(_owned(s, recruiter_id, endpoint_id), with_secret)

    def remove(self, recruiter_id: str, endpoint_id: str) -> None:
        """Removes the endpoint with its deliveries and their log; nothing more is sent to it."""
        with self._store.session() as s:
            s.delete(_owned(s, recruiter_id, endpoint_id))

    def deliveries(self, recruiter_id: str, endpoint_id: str, limit: int = 100) -> builtins.list[Delivery]:
        """The endpoint's deliveries, newest first, each with the log of its attempts."""
        with self._store.session() as s:
            _owned(s, recruiter_id, endpoint_id)
            rows = s.execute(
                select(WebhookDeliveryRow, OutboxEventRow.type, OutboxEventRow.created_at)
                .join(OutboxEventRow, OutboxEventRow.id == WebhookDeliveryRow.event_id)
                .where(WebhookDeliveryRow.endpoint_id == endpoint_id)
                .order_by(OutboxEventRow.created_at.desc()).limit(limit)
            ).all()
            ids = [row.id for row, _, _ in rows]
            attempts: dict[str, builtins.list[Attempt]] = {i: [] for i in ids}
            for a in s.scalars(select(WebhookAttemptRow).where(WebhookAttemptRow.delivery_id.in_(ids))
                               .order_by(WebhookAttemptRow.id)):
                attempts[a.delivery_id].append(Attempt(as_utc(a.at), a.status, a.error, a.milliseconds))
            return [_delivery(row, kind, attempts[row.id]) for row, kind, _ in rows]

    def for_draft(self, recruiter_id: str, debrief_id: str, draft_id: str) -> builtins.list[tuple[str, Delivery]]:
        """The draft's approval as delivered to each endpoint: (the endpoint's URL, the delivery)."""
        found = []
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            rows = s.execute(
                select(OutboxEventRow, WebhookDeliveryRow, WebhookEndpointRow.url)
                .join(WebhookDeliveryRow, WebhookDeliveryRow.event_id == OutboxEventRow.id)
                .join(WebhookEndpointRow, WebhookEndpointRow.id == WebhookDeliveryRow.endpoint_id)
                .where(OutboxEventRow.debrief_id == debrief_id, OutboxEventRow.type == "draft.approved")
            ).all()
            for event, delivery, url in rows:
                if json.loads(event.body)["data"].get("draft_id") == draft_id:
                    found.append((url, _delivery(delivery, event.type, [])))
        return found

    def replay(self, recruiter_id: str, endpoint_id: str, delivery_id: str) -> Delivery:
        """Send a delivery again, now, with the same event id and body (the receiver can tell it is a
        repeat); its retries start over."""
        with self._store.session() as s:
            _owned(s, recruiter_id, endpoint_id)
            row = s.get(WebhookDeliveryRow, delivery_id)
            if row is None or row.endpoint_id != endpoint_id:
                raise WebhookNotFound(f"no delivery {delivery_id}")
            requeue(row, "pending")
            event = s.get(OutboxEventRow, row.event_id)
            s.flush()
            return _delivery(row, event.type if event else "", [])

    def _checked_url(self, url: str) -> str:
        url = (url or "").strip()
        if len(url) > MAX_URL_CHARS:
            raise InvalidInput(f"the URL is longer than {MAX_URL_CHARS} characters")
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise InvalidInput("a webhook endpoint needs an http(s) URL with a host")
        if self._allow_private:
            return url
        if parts.scheme != "https":
            raise InvalidInput("a webhook endpoint must use https")
        if _private_host(parts.hostname):
            raise InvalidInput("a webhook endpoint must be on a public host (DEBRIEF_ATS_ALLOW_PRIVATE_URLS is off)")
        return url


def _private_host(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


def _owned(session: Session, recruiter_id: str, endpoint_id: str) -> WebhookEndpointRow:
    row = session.get(WebhookEndpointRow, endpoint_id)
    # Someone else's endpoint is reported exactly like a missing one.
    if row is None or row.recruiter_id != recruiter_id:
        raise WebhookNotFound(f"no webhook endpoint {endpoint_id}")
    return row


def _endpoint(row: WebhookEndpointRow, with_secret: bool = False) -> Endpoint:
    return Endpoint(row.id, row.url, list(row.events), row.description, row.active, as_utc(row.created_at),
                    row.secret if with_secret else None)


def _delivery(row: WebhookDeliveryRow, event_type: str, log: list[Attempt]) -> Delivery:
    return Delivery(row.id, row.event_id, event_type, row.state, row.attempts,
                    as_utc(row.next_attempt_at) if row.state == "pending" else None,
                    as_utc(row.delivered_at) if row.delivered_at else None, log)
