"""The delivery worker: sends due webhook deliveries and ATS notes. It runs in a background thread of
the API process (woken at once by an approval there, otherwise every poll interval), and once from the
command line (`debrief deliver`). Several workers, in one process or many, may run at once: each claims
its rows before sending them."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from assistant.ats.connectors import Connector, configured
from assistant.ats.notes import NoteDelivery
from assistant.ats.webhook_delivery import WebhookDelivery
from assistant.core import AtsSettings
from assistant.storage import Store

log = logging.getLogger("debrief")


@dataclass(frozen=True)
class Round:
    webhooks: int
    notes: int


class Courier:
    def __init__(self, store: Store, settings: AtsSettings, connectors: dict[str, Connector] | None = None) -> None:
        self._settings = settings
        self.webhooks = WebhookDelivery(store, settings)
        self.notes = NoteDelivery(store, settings, configured(settings) if connectors is None else connectors)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def client(self) -> httpx.Client:
        # No redirects: a receiver cannot bounce a signed payload to another host.
        return httpx.Client(timeout=self._settings.request_timeout_s, follow_redirects=False)

    def deliver_once(self, client: httpx.Client | None = None) -> Round:
        """Send everything due now; returns how many webhook deliveries and notes were attempted."""
        own = client is None
        client = client or self.client()
        try:
            with ThreadPoolExecutor(self._settings.senders, thread_name_prefix="courier") as pool:
                return Round(self.webhooks.deliver_due(client, pool), self.notes.deliver_due(client, pool))
        finally:
            if own:
                client.close()

    def start(self) -> Courier:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="courier", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout_s: float = 15.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        with self.client() as client:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    self.deliver_once(client)
                except Exception:  # noqa: BLE001 - the worker outlives a failed round; the rows stay queued
                    log.exception("a delivery round failed; its deliveries stay queued")
                self._wake.wait(self._settings.poll_interval_s)
