"""Sending the outbox's webhook deliveries: claim, sign and send, record the outcome; retry later with
growing pauses, and mark a delivery failed when the retry schedule is used up."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from assistant.ats.leases import claim_due, next_try
from assistant.ats.signing import signed_headers
from assistant.core import AtsSettings
from assistant.storage import OutboxEventRow, Store, WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow

MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class Claimed:
    delivery_id: str
    claim: str
    event_id: str
    endpoint_id: str
    url: str
    secret: str
    body: str


@dataclass(frozen=True)
class Sent:
    status: int | None
    error: str | None
    milliseconds: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookDelivery:
    def __init__(self, store: Store, settings: AtsSettings) -> None:
        self._store = store
        self._settings = settings

    def claim(self, limit: int | None = None) -> list[Claimed]:
        with self._store.session() as s:
            rows = claim_due(s, WebhookDeliveryRow, "pending", limit or self._settings.batch_size,
                             self._settings.lease_s, None,
                             WebhookDeliveryRow.endpoint_id.in_(
                                 select(WebhookEndpointRow.id).where(WebhookEndpointRow.active.is_(True))))
            claimed = []
            for row in rows:
                endpoint = s.get(WebhookEndpointRow, row.endpoint_id)
                event = s.get(OutboxEventRow, row.event_id)
                assert endpoint is not None and event is not None  # foreign keys
                claimed.append(Claimed(row.id, row.claim or "", event.id, endpoint.id, endpoint.url,
                                       endpoint.secret, event.body))
            return claimed

    def send(self, client: httpx.Client, item: Claimed) -> Sent:
        # The timestamp is the attempt's, as the receiver checks it against its clock.
        headers = signed_headers(item.secret, item.event_id, int(time.time()), item.body)
        started = time.perf_counter()
        try:
            response = client.post(item.url, content=item.body.encode(), headers=headers)
            status, error = response.status_code, None if response.is_success else _short(response.text)
        except httpx.HTTPError as exc:
            status, error = None, _short(f"{type(exc).__name__}: {exc}")
        return Sent(status, error, int((time.perf_counter() - started) * 1000))

    def record(self, item: Claimed, sent: Sent) -> bool:
        """Record the outcome; False when the claim was lost meanwhile (the lease passed and another worker
        took the delivery), so only one outcome is ever written per claim."""
        now = datetime.now(UTC)
        with self._store.session() as s:
            row = s.get(WebhookDeliveryRow, item.delivery_id)
            if row is None or row.claim != item.claim or row.state != "sending":
                return False
            row.attempts += 1
            row.last_status, row.last_error, row.claim, row.claimed_until = sent.status, sent.error, None, None
            s.add(WebhookAttemptRow(delivery_id=row.id, endpoint_id=row.endpoint_id, at=now, status=sent.status,
                                    error=sent.error, milliseconds=sent.milliseconds))
            if sent.ok:
                row.state, row.delivered_at = "delivered", now
            elif (later := next_try(row.attempts, self._settings.retry_schedule_s, now)) is not None:
                row.state, row.next_attempt_at = "pending", later
            else:
                row.state = "failed"
            return True

    def deliver_due(self, client: httpx.Client, pool: ThreadPoolExecutor) -> int:
        """Send everything due now, batch by batch; returns how many deliveries were attempted."""
        attempted = 0
        while batch := self.claim():
            for _ in pool.map(lambda item: self.record(item, self.send(client, item)), batch):
                attempted += 1
        return attempted


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
