"""Wires settings to the store, the model and the engine; the API and the CLI both start one of these."""

from __future__ import annotations

import logging
import threading

from langchain_core.language_models import BaseChatModel

from assistant.access import Keys, Quota, Replays, SignIns
from assistant.conversation import BackgroundRefiner, Debriefs, Extractor, Interviews, Rereader
from assistant.core import SIDES, DebriefError, DebriefNotFound, PromptLibrary, Settings
from assistant.drafting import Drafts, DraftWriter
from assistant.model import Breaker, ModelRuntime, base_url_of, chat_model, is_endpoint_fault, should_redact
from assistant.playbook import Playbook, PlaybookGuidance
from assistant.storage import Erasure, Store

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
        # A claim outlives the slowest turn (every model attempt timing out), so a slow turn is never
        # taken over and run twice; after a crash its key is free again once this has passed.
        lease_s = settings.llm_timeout_s * (settings.llm_max_retries + 1) + 30
        self.replays = Replays(self.store, settings.idempotency_ttl_s, lease_s)
        self.prompts = PromptLibrary(settings.prompts_dir)
        self._model = model
        self._runtime: ModelRuntime | None = None
        self._debriefs: Debriefs | None = None
        self._guidance: PlaybookGuidance | None = None
        self._drafts: Drafts | None = None
        self.refiner: BackgroundRefiner | None = None
        self._playbook = playbook
        self.dev_key: str | None = None
        self.quota = Quota(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.erasure = Erasure(self.store, settings.embedded_server_log)
        self.sign_ins = SignIns(self.store, settings.session_max_age_s)

    def start(self) -> Service:
        self.keys.sync_configured(self.settings.api_keys)
        if self.settings.retention_days:
            purged = self.erasure.expired(self.settings.retention_days)
            log.info("retention: %d debriefs and %d interviews erased, %d kept under legal hold",
                     purged.debriefs, purged.interviews, purged.held)
        if self.settings.create_dev_key:
            self.dev_key = self.keys.ensure_dev_key()
        if self._model is None:
            self._runtime = ModelRuntime(self.settings)
            self._model = chat_model(self._runtime.start(), self.settings)
        s = self.settings
        breaker = Breaker(s.llm_breaker_failures, s.llm_breaker_cooldown_s, is_endpoint_fault)
        redact = should_redact(s.redact_pii, base_url_of(self._model))
        extractor = Extractor(self._model, self.prompts, breaker=breaker, redact=redact)
        if self._runtime and self._runtime.server and self.settings.embedded_warm_up:
            threading.Thread(target=_warm_up, args=(extractor,), daemon=True, name="warm-up").start()
        self._guidance = PlaybookGuidance(
            self.playbook, self.settings.guidance_per_turn, self.settings.guidance_min_similarity
        )
        self._debriefs = Debriefs(
            self.store, extractor, self.settings.flows_dir,
            max_message_chars=self.settings.max_message_chars,
            history_block_turns=self.settings.history_block_turns,
            guidance=self._guidance,
            rereader=Rereader(self._model, self.prompts, breaker=breaker, redact=redact),
            names_in_turns=s.names_in_turns,
        )
        if s.refine_in_background:
            self.refiner = BackgroundRefiner(self._debriefs, s.refine_delay_s)
            refiner = self.refiner
            self._debriefs.after_turn = lambda recruiter_id, debrief_id, complete: refiner.request(
                recruiter_id, debrief_id, at_once=complete)
        self._drafts = Drafts(
            self.store, DraftWriter(self._model, self.prompts, self.settings.draft_max_tokens),
            max_unsupported_share=self.settings.draft_max_unsupported_share,
            max_spec_chars=self.settings.max_spec_chars,
        )
        if s.refine_before_drafts:
            self._drafts.before_writing = self._refine_before_draft
        if self.settings.playbook_auto_ingest:
            try:
                report = self.playbook.ingest()
                log.info("playbook: %d passages embedded, %d unchanged", report.embedded, report.unchanged)
            except DebriefError as exc:
                # Debriefs work without the playbook; only advice and search are missing.
                log.warning("the playbook could not be ingested: %s", exc)
        return self

    def _refine_before_draft(self, recruiter_id: str, debrief_id: str) -> None:
        """A draft rests on the record as the whole conversation supports it: a pass still running is
        waited for, and one is run when the last pass did not read every message."""
        if self.refiner:
            self.refiner.wait(debrief_id, self.settings.llm_timeout_s)
        try:
            self.debriefs.refine_if_stale(recruiter_id, debrief_id)
        except DebriefError as exc:
            if isinstance(exc, DebriefNotFound):
                raise
            # The draft can still be written from the turns' record; the pass is an improvement.
            log.warning("the whole-conversation pass before a draft failed: %s", exc)

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

    @property
    def drafts(self) -> Drafts:
        if self._drafts is None:
            raise RuntimeError("Service.start() has not been called")
        return self._drafts

    @property
    def interviews(self) -> Interviews:
        # Holds no state of its own beyond the store and the engine, so one per use costs nothing.
        return Interviews(self.store, self.debriefs)

    def stop(self) -> None:
        if self._guidance:
            self._guidance.close()
        if self._runtime:
            self._runtime.stop()
        self.store.engine.dispose()


def _warm_up(extractor: Extractor) -> None:
    for side in SIDES:
        try:
            extractor.warm_up(side)
        except Exception as exc:  # noqa: BLE001 - a failed warm-up only costs the first turn some time
            log.warning("warming up the %s prompt failed: %s", side, exc)
