"""Wires settings to the store, the model and the engine; the API and the CLI both start one of these."""

from __future__ import annotations

import logging
import threading

from langchain_core.language_models import BaseChatModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from assistant.access import Keys, Quota, Replays, SignIns
from assistant.ats import Courier, Links, Webhooks, after_commit, on_debrief_completed, on_draft_approved
from assistant.conversation import BackgroundRefiner, Debriefs, Extractor, Interviews, Rereader
from assistant.core import SIDES, DebriefError, DebriefNotFound, PromptLibrary, Settings
from assistant.drafting import Drafts, DraftWriter
from assistant.model import Breaker, ModelRuntime, base_url_of, chat_model, is_endpoint_fault, should_redact
from assistant.playbook import Playbook, PlaybookGuidance
from assistant.storage import DebriefRow, DraftRow, Erasure, Store

log = logging.getLogger("debrief")


class Service:
    def __init__(
        self, settings: Settings, model: BaseChatModel | None = None, store: Store | None = None,
        playbook: Playbook | None = None,
    ):
        """`model` and `playbook` are injected by tests and tools; without a model, start() connects to
        the configured or embedded endpoint."""
        self.settings = settings
        self.store = store or Store(settings.storage.resolved_database_url, settings.storage.sqlite_sync)
        self.keys = Keys(self.store)
        # A claim outlives the slowest turn (every model attempt timing out), so a slow turn is never
        # taken over and run twice; after a crash its key is free again once this has passed.
        lease_s = settings.llm.timeout_s * (settings.llm.max_retries + 1) + 30
        self.replays = Replays(self.store, settings.server.idempotency_ttl_s, lease_s)
        self.prompts = PromptLibrary(settings.content.prompts_dir)
        self._model = model
        self._runtime: ModelRuntime | None = None
        self._breaker: Breaker | None = None
        self._debriefs: Debriefs | None = None
        self._guidance: PlaybookGuidance | None = None
        self._drafts: Drafts | None = None
        self.refiner: BackgroundRefiner | None = None
        self._playbook = playbook
        self.dev_key: str | None = None
        self.quota = Quota(settings.limits.rate_limit_per_minute, settings.limits.rate_limit_burst)
        self.erasure = Erasure(self.store, settings.storage.embedded_server_log)
        self.sign_ins = SignIns(self.store, settings.access.session_max_age_s)
        self.links = Links(self.store)
        self.webhooks = Webhooks(self.store, settings.ats.allow_private_urls)
        self.courier = Courier(self.store, settings.ats)

    def start(self) -> Service:
        self.keys.sync_configured(self.settings.access.api_keys)
        if self.settings.privacy.retention_days:
            purged = self.erasure.expired(self.settings.privacy.retention_days)
            log.info("retention: %d debriefs and %d interviews erased, %d kept under legal hold",
                     purged.debriefs, purged.interviews, purged.held)
        if self.settings.access.create_dev_key:
            self.dev_key = self.keys.ensure_dev_key()
        if self._model is None:
            self._runtime = ModelRuntime(self.settings)
            self._model = chat_model(self._runtime.start(), self.settings)
        s = self.settings
        runtime = self._runtime
        outage = runtime.outage if runtime else None
        breaker = Breaker(s.llm.breaker_failures, s.llm.breaker_cooldown_s, is_endpoint_fault, outage=outage)
        self._breaker = breaker
        redact = should_redact(s.privacy.redact_pii, base_url_of(self._model))
        extractor = Extractor(self._model, self.prompts, breaker=breaker, redact=redact,
                              split_over_chars=s.conversation.split_over_chars)
        if runtime and runtime.server and s.embedded.warm_up:
            def warm_up() -> None:
                threading.Thread(target=_warm_up, args=(extractor, runtime), daemon=True, name="warm-up").start()

            warm_up()
            if runtime.supervisor:
                # A restarted server has an empty prompt cache: read both sides' instructions again.
                runtime.supervisor.on_restart = warm_up
        self._guidance = PlaybookGuidance(
            self.playbook, s.playbook.guidance_per_turn, s.playbook.guidance_min_similarity
        )
        self._debriefs = Debriefs(
            self.store, extractor, s.content.flows_dir,
            max_message_chars=s.limits.max_message_chars,
            history_block_turns=s.conversation.history_block_turns,
            guidance=self._guidance,
            rereader=Rereader(self._model, self.prompts, breaker=breaker, redact=redact),
            names_in_turns=s.conversation.names_in_turns,
        )
        if s.refinement.in_background or s.refinement.on_completion:
            self.refiner = BackgroundRefiner(self._debriefs, s.refinement.delay_s)
            self._debriefs.after_turn = self._refine_after_turn
        self._drafts = Drafts(
            self.store, DraftWriter(self._model, self.prompts, breaker, self.settings.drafting.max_tokens),
            max_unsupported_share=self.settings.drafting.max_unsupported_share,
            max_spec_chars=self.settings.limits.max_spec_chars,
        )
        if s.refinement.before_drafts:
            self._drafts.before_writing = self.settle_record
        self._drafts.on_approved = self._hand_off_approval
        self._debriefs.on_complete = self._hand_off_completion
        # A throwaway in-memory store (the terminal's, some tests') has one connection for all threads.
        if s.ats.deliver_in_background and not self.store.in_memory:
            self.courier.start()
        if self.settings.playbook.auto_ingest:
            try:
                report = self.playbook.ingest()
                log.info("playbook: %d passages embedded, %d unchanged", report.embedded, report.unchanged)
            except DebriefError as exc:
                # Debriefs work without the playbook; only advice and search are missing.
                log.warning("the playbook could not be ingested: %s", exc)
        return self

    def _refine_after_turn(self, recruiter_id: str, debrief_id: str, complete: bool) -> None:
        if self.refiner and (complete or self.settings.refinement.in_background):
            self.refiner.request(recruiter_id, debrief_id, at_once=complete)

    def settle_record(self, recruiter_id: str, debrief_id: str) -> None:
        """The record as the whole conversation supports it, before a draft is written from it or the
        terminal shows it as final: a pass still running is waited for, and one is run when the last
        pass did not read every message."""
        if self.refiner:
            self.refiner.wait(debrief_id, self.settings.llm.timeout_s)
        try:
            self.debriefs.refine_if_stale(recruiter_id, debrief_id)
        except DebriefError as exc:
            if isinstance(exc, DebriefNotFound):
                raise
            # The turns' record still stands; the pass is an improvement.
            log.warning("the whole-conversation pass over %s failed: %s", debrief_id, exc)

    def _hand_off_approval(self, session: Session, recruiter_id: str, row: DraftRow) -> None:
        if on_draft_approved(session, recruiter_id, row):
            after_commit(session, self.courier.wake)

    def _hand_off_completion(self, session: Session, row: DebriefRow) -> None:
        if on_debrief_completed(session, row):
            after_commit(session, self.courier.wake)

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

    def readiness(self) -> list[str]:
        """Why the service cannot take a turn now, one reason per part that is out; empty when ready."""
        problems = []
        if self._runtime and (outage := self._runtime.outage()):
            problems.append(outage)
        if self._breaker and self._breaker.is_open:
            problems.append(
                "the model endpoint failed several times in a row, so turns are paused (circuit breaker open)"
            )
        try:
            with self.store.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means the same: the database is out
            problems.append(f"the database cannot be reached: {type(exc).__name__}")
        try:
            self.playbook.client().heartbeat()
        except Exception as exc:  # noqa: BLE001 - Chroma's clients raise plain exceptions
            problems.append(f"the playbook store (Chroma) cannot be reached: {type(exc).__name__}")
        return problems

    def stop(self) -> None:
        self.courier.stop()
        if self._guidance:
            self._guidance.close()
        if self._runtime:
            self._runtime.stop()
        self.store.engine.dispose()


def _warm_up(extractor: Extractor, runtime: ModelRuntime) -> None:
    for side in SIDES:
        try:
            extractor.warm_up(side)
        except Exception as exc:  # noqa: BLE001 - a failed warm-up only costs the first turn some time
            tail = runtime.server.log_tail(8) if runtime.server else []
            log.warning("warming up the %s prompt failed: %s. The model server's last log lines:\n%s",
                        side, _why(exc, runtime), "\n".join(tail))


def _why(exc: BaseException, runtime: ModelRuntime) -> str:
    """The failure with its causes ("Connection error." alone says nothing), and the server's state."""
    causes: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(causes) < 4:
        causes.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
    outage = runtime.outage(1.0)
    return " <- ".join(causes) + (f"; {outage}" if outage else "")
