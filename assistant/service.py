"""Wires settings to the store, the model and the engine; the API and the CLI both start one of these."""

from __future__ import annotations

import logging

from langchain_core.language_models import BaseChatModel

from assistant.access import Keys
from assistant.debriefs import Debriefs
from assistant.errors import DebriefError
from assistant.extraction import Extractor
from assistant.guidance import PlaybookGuidance
from assistant.llm import ModelRuntime, chat_model
from assistant.playbook import Playbook
from assistant.prompts import PromptLibrary
from assistant.settings import Settings
from assistant.store import Store

log = logging.getLogger("debrief")


class Service:
    def __init__(
        self, settings: Settings, model: BaseChatModel | None = None, store: Store | None = None,
        playbook: Playbook | None = None,
    ):
        """`model` and `playbook` are injected by tests and tools; without a model, start() connects to
        the configured or embedded endpoint."""
        self.settings = settings
        self.store = store or Store(settings.resolved_database_url)
        self.keys = Keys(self.store)
        self.prompts = PromptLibrary(settings.prompts_dir)
        self._model = model
        self._runtime: ModelRuntime | None = None
        self._debriefs: Debriefs | None = None
        self._playbook = playbook
        self.dev_key: str | None = None

    def start(self) -> Service:
        self.keys.sync_configured(self.settings.api_keys)
        if self.settings.create_dev_key:
            self.dev_key = self.keys.ensure_dev_key()
        if self._model is None:
            self._runtime = ModelRuntime(self.settings)
            self._model = chat_model(self._runtime.start(), self.settings)
        self._debriefs = Debriefs(
            self.store, Extractor(self._model, self.prompts), self.settings.flows_dir,
            max_message_chars=self.settings.max_message_chars,
            history_block_turns=self.settings.history_block_turns,
            guidance=PlaybookGuidance(
                self.playbook, self.settings.guidance_per_turn, self.settings.guidance_min_similarity
            ),
        )
        if self.settings.playbook_auto_ingest:
            try:
                report = self.playbook.ingest()
                log.info("playbook: %d passages embedded, %d unchanged", report.embedded, report.unchanged)
            except DebriefError as exc:
                # Debriefs work without the playbook; only advice and search are missing.
                log.warning("the playbook could not be ingested: %s", exc)
        return self

    @property
    def playbook(self) -> Playbook:
        if self._playbook is None:
            self._playbook = Playbook.from_settings(self.settings)
        return self._playbook

    @property
    def debriefs(self) -> Debriefs:
        if self._debriefs is None:
            raise RuntimeError("Service.start() has not been called")
        return self._debriefs

    def stop(self) -> None:
        if self._runtime:
            self._runtime.stop()
        self.store.engine.dispose()
