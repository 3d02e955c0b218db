"""The debrief engine: open a debrief, take a recruiter's message, keep the record and transcript.

Every entry point (API, CLI, evals, benchmarks) goes through this class, so what is measured is what
recruiters get.
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.conversation.corrections import apply_correction
from assistant.conversation.extraction import Extractor, PastTurn
from assistant.conversation.flows import Flow, load_flow
from assistant.conversation.recording import apply_updates, cause_from_own_account, flag_remarks
from assistant.conversation.refinement import apply_refinement, protected_fields
from assistant.conversation.replies import compose, refined
from assistant.conversation.rereading import Rereader
from assistant.core import (
    SIDES,
    TURN_SECONDS,
    AppliedUpdate,
    DebriefError,
    Emit,
    FieldValue,
    Handoff,
    InvalidInput,
    MessagePending,
    NothingToRetry,
    Record,
    Rejection,
    Side,
    StaleVersion,
    clean_typed,
)
from assistant.interviews import followups
from assistant.playbook import GuidanceNote, GuidanceSource
from assistant.storage import DebriefRow, GuidanceRow, MessageRow, Store, as_utc, erase_debrief, owned_debrief

PREFILLABLE = ("candidate_name", "role_title", "company")
# Who and what the debrief is about: given to each turn so "he" and "the role" resolve.
IDENTITY = (("candidate_name", "candidate"), ("role_title", "role"), ("company", "company"))
# The log line of a whole-conversation pass is an assistant message with this "via".
REFINED_VIA = "conversation"


@dataclass
class TurnOutcome:
    reply: str
    record: Record
    applied: list[AppliedUpdate]
    rejected: list[Rejection]
    usage: dict[str, Any]
    # Playbook advice that applies from this turn on and was not shown before.
    guidance: list[GuidanceNote] = field(default_factory=list)
    # The debrief's version once the turn is stored.
    version: int = 0
    # The flow has nothing left to ask.
    complete: bool = False


@dataclass
class Message:
    seq: int
    role: str
    text: str
    status: str
    created_at: datetime
    details: dict[str, Any] | None = None


@dataclass
class Debrief:
    id: str
    kind: Side
    record: Record
    created_at: datetime
    updated_at: datetime
    transcript: list[Message] = field(default_factory=list)
    # Bumped on every write: the ETag a client sends back as If-Match.
    version: int = 1

    @property
    def question(self) -> str | None:
        assistant = [m for m in self.transcript
                     if m.role == "assistant" and (m.details or {}).get("via") != REFINED_VIA]
        return assistant[-1].text if assistant else None


@dataclass
class RefinementOutcome:
    """What one whole-conversation pass added; `version` is the debrief's version afterwards."""

    applied: list[AppliedUpdate]
    rejected: list[Rejection]
    usage: dict[str, Any]
    version: int


# Events a streaming caller sees during a turn, before the outcome.
ProgressEvent = tuple[str, dict[str, Any]]


class Debriefs:
    def __init__(
        self, store: Store, extractor: Extractor, flows_dir: Path, max_message_chars: int = 8000,
        history_block_turns: int = 0, guidance: GuidanceSource | None = None,
        rereader: Rereader | None = None, names_in_turns: bool = False,
    ) -> None:
        self._store = store
        self._extractor = extractor
        self._flows_dir = flows_dir
        self._max_chars = max_message_chars
        self._block = history_block_turns
        self._guidance = guidance
        self._rereader = rereader
        self._names_in_turns = names_in_turns
        # Called with (recruiter_id, debrief_id, flow complete) once a turn's outcome is stored: the
        # service hangs the background whole-conversation pass here (assistant/refiner.py).
        self.after_turn: Callable[[str, str, bool], None] | None = None
        # Called with (session, debrief row) inside the transaction of the turn or correction that leaves
        # nothing more to ask, once per debrief: the service queues the hand-off's event there.
        self.on_complete: Callable[[Session, DebriefRow], None] | None = None
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def flow(self, kind: Side) -> Flow:
        return load_flow(kind, self._flows_dir)

    # --- opening, reading, erasing -------------------------------------------------------------

    def open(self, recruiter_id: str, kind: str, prefill: dict[str, str | None] | None = None) -> Debrief:
        if kind not in SIDES:
            raise InvalidInput(f"kind must be one of {', '.join(SIDES)}, not {kind!r}")
        side: Side = kind  # type: ignore[assignment]
        record = Record(kind=side)
        for name, value in (prefill or {}).items():
            if name not in PREFILLABLE:
                raise InvalidInput(f"{name} cannot be set when opening a debrief")
            if value is not None and str(value).strip():
                record.fields[name] = FieldValue(value=str(value).strip()[:300], evidence=[], source="form")
        flow = self.flow(side)
        topic = flow.next_topic(record, set())
        self._refresh_progress(record, flow, set())
        asking = topic.question(record) if topic else None
        first = f"{flow.opening}\n{asking or flow.closing}"
        with self._store.session() as s:
            row = DebriefRow(
                recruiter_id=recruiter_id, kind=side, record=record.model_dump(mode="json"),
                flow_state={"asked": topic.id if topic else None, "answered": []},
            )
            row.messages.append(MessageRow(seq=0, role="assistant", text=first, status="done"))
            s.add(row)
            s.flush()
            return _to_debrief(row)

    def get(self, recruiter_id: str, debrief_id: str) -> Debrief:
        with self._store.reading() as s:
            return _to_debrief(owned_debrief(s, recruiter_id, debrief_id))

    def guidance(self, recruiter_id: str, debrief_id: str) -> list[GuidanceNote]:
        """Every playbook note shown in the debrief so far, oldest first."""
        with self._store.reading() as s:
            return [_to_note(g) for g in owned_debrief(s, recruiter_id, debrief_id).guidance]

    def list(self, recruiter_id: str) -> builtins.list[Debrief]:
        with self._store.reading() as s:
            rows = s.scalars(
                select(DebriefRow).where(DebriefRow.recruiter_id == recruiter_id)
                .order_by(DebriefRow.updated_at.desc())
            ).all()
            return [_to_debrief(row, with_transcript=False) for row in rows]

    def delete(self, recruiter_id: str, debrief_id: str) -> None:
        """Erase the debrief everywhere (see assistant/erasure.py); a held one is refused (DebriefHeld)."""
        with self._lock(debrief_id):
            with self._store.session() as s:
                erase_debrief(s, owned_debrief(s, recruiter_id, debrief_id), "request")
            self._store.forget_erased()

    # --- turns -----------------------------------------------------------------------------------

    def post_message(
        self, recruiter_id: str, debrief_id: str, text: str, expected_version: int | None = None
    ) -> TurnOutcome:
        return self._message_turn(recruiter_id, debrief_id, text, expected_version, False, _unheard)

    def retry(self, recruiter_id: str, debrief_id: str, expected_version: int | None = None) -> TurnOutcome:
        return self._retry_turn(recruiter_id, debrief_id, expected_version, False, _unheard)

    def stream_message(
        self, recruiter_id: str, debrief_id: str, text: str, stream: bool = True,
        expected_version: int | None = None,
    ) -> Handoff[TurnOutcome]:
        """The turn as events: `accepted` once the message is stored, then `status` and (when
        `stream`) `progress` while the model writes; the TurnOutcome last. With `expected_version`, the
        turn is refused (StaleVersion) unless the debrief is still at that version. The turn runs in its
        own thread (assistant/handoff.py): a reader that stops reading never holds the debrief's lock."""
        return Handoff(partial(self._message_turn, recruiter_id, debrief_id, text, expected_version, stream))

    def stream_retry(
        self, recruiter_id: str, debrief_id: str, stream: bool = True, expected_version: int | None = None
    ) -> Handoff[TurnOutcome]:
        return Handoff(partial(self._retry_turn, recruiter_id, debrief_id, expected_version, stream))

    def _message_turn(
        self, recruiter_id: str, debrief_id: str, text: str, expected_version: int | None, stream: bool,
        emit: Emit,
    ) -> TurnOutcome:
        text = self._validated(text)
        with self._lock(debrief_id):
            with self._store.session() as s:
                row = owned_debrief(s, recruiter_id, debrief_id, for_update=True)
                _check_version(row, expected_version)
                if any(m.status == "pending" for m in row.messages):
                    raise MessagePending(
                        "the previous message is still waiting for the model: retry it first"
                    )
                # Kept before the model is called, so an endpoint failure loses nothing.
                row.messages.append(
                    MessageRow(seq=len(row.messages), role="recruiter", text=text, status="pending")
                )
                row.version += 1
                shown = _shown(s, debrief_id) if self._guidance else set()
            # What the turn reads is what this transaction stored: the debrief's lock keeps other turns
            # out until the outcome is stored, and a pending message keeps out other processes' turns.
            emit(("accepted", {"debrief_id": debrief_id}))
            if self._guidance:
                # The message is all its embedding needs: made while the model reads it.
                self._guidance.prepare(text)
            outcome = self._run_turn(recruiter_id, _Read(row, shown), stream, emit)
        self._turn_done(recruiter_id, debrief_id, outcome)
        return outcome

    def _retry_turn(
        self, recruiter_id: str, debrief_id: str, expected_version: int | None, stream: bool, emit: Emit
    ) -> TurnOutcome:
        with self._lock(debrief_id):
            with self._store.reading() as s:
                row = owned_debrief(s, recruiter_id, debrief_id)
                _check_version(row, expected_version)
                if not any(m.status == "pending" for m in row.messages):
                    raise NothingToRetry("no message is waiting for the model")
                shown = _shown(s, debrief_id) if self._guidance else set()
            outcome = self._run_turn(recruiter_id, _Read(row, shown), stream, emit)
        self._turn_done(recruiter_id, debrief_id, outcome)
        return outcome

    def _turn_done(self, recruiter_id: str, debrief_id: str, outcome: TurnOutcome) -> None:
        if self.after_turn:
            self.after_turn(recruiter_id, debrief_id, outcome.complete)

    def _run_turn(self, recruiter_id: str, read: _Read, stream: bool, emit: Emit) -> TurnOutcome:
        """The model reads the pending message of the debrief as `read` holds it; the outcome is stored in
        one write transaction that loads only the rows it changes."""
        debrief_id = read.row.id
        debrief = _to_debrief(read.row)
        state = dict(read.row.flow_state)
        flow = self.flow(debrief.kind)
        pending = next(m for m in debrief.transcript if m.status == "pending")
        said = [m for m in debrief.transcript if m.role == "recruiter"]
        recruiter_texts = [m.text for m in said]
        asked = flow.topic(state.get("asked") or "")
        # The topic's whole question, not the narrowed one the recruiter saw: it is the same text every
        # time the topic is asked (stable for the prompt cache) and covers whatever the answer touches.
        question = asked.ask if asked else None
        known = _known(debrief.record) if self._names_in_turns else None

        emit(("status", {"stage": "reading", "message": "Reading your notes"}))
        started = time.perf_counter()
        call = partial(
            self._extractor.extract,
            debrief.kind, self._history(debrief, pending.seq), PastTurn(question, pending.text, known),
        )
        try:
            extraction = call(on_progress=lambda n: emit(("progress", {"chunks": n}))) if stream else call()
        except DebriefError:
            TURN_SECONDS.labels("failed").observe(time.perf_counter() - started)
            raise
        elapsed = time.perf_counter() - started

        record = debrief.record
        gate = apply_updates(record, extraction.proposed, recruiter_texts, turn=True)
        flag_remarks(record, recruiter_texts, said.index(pending), gate)
        cause_from_own_account(record, recruiter_texts, gate)
        answered = set(state.get("answered", []))
        if asked:
            answered.add(asked.id)
        topic = flow.next_topic(record, answered)
        self._refresh_progress(record, flow, answered)
        asking = topic.question(record) if topic else None
        reply = compose(gate.applied, gate.rejected, asking, flow.closing)
        notes = self._guidance(record, recruiter_texts, read.shown) if self._guidance else []
        usage = {
            "llm_calls": 1,
            "input_tokens": extraction.input_tokens,
            "output_tokens": extraction.output_tokens,
            "model_seconds": round(elapsed, 3),
            "prompts": extraction.prompt_sha256,
        }
        # Made before the write lock is taken: the transaction below only stores them.
        details = {
            "applied": [u.model_dump(mode="json") for u in gate.applied],
            "rejected": [r.model_dump(mode="json") for r in gate.rejected],
            "question_before": question,
            "known": known,
            "usage": usage,
        }
        stored_record = record.model_dump(mode="json")
        guidance_rows = [_to_guidance_row(note, pending.seq, debrief_id) for note in notes]
        today = datetime.now(UTC).date()
        with self._store.session() as s, s.no_autoflush:
            # Everything is read before anything changes, so the changes go out in one flush at commit.
            row = owned_debrief(s, recruiter_id, debrief_id, for_update=True)
            message = s.scalars(select(MessageRow).where(
                MessageRow.debrief_id == debrief_id, MessageRow.seq == pending.seq)).one()
            extra = followups(s, debrief_id, record, complete=topic is None, today=today)
            reply = "\n".join([reply, *extra])
            seq = _message_count(s, debrief_id)
            message.status = "done"
            message.details = details
            # Added by key rather than to the row's collections, so the transcript is not loaded again.
            s.add(MessageRow(debrief_id=debrief_id, seq=seq, role="assistant", text=reply))
            s.add_all(guidance_rows)
            row.record = stored_record
            row.flow_state = {**dict(row.flow_state), "asked": topic.id if topic else None,
                              "answered": sorted(answered)}
            row.updated_at = datetime.now(UTC)
            row.version += 1
            version = row.version
            self._completed(s, row, state, topic is None)
        TURN_SECONDS.labels("done").observe(time.perf_counter() - started)
        return TurnOutcome(reply, record, gate.applied, gate.rejected, usage, notes, version, topic is None)

    def correct(self, recruiter_id: str, debrief_id: str, field: str, value: str) -> TurnOutcome:
        """A value typed into the record panel: logged as a recruiter line and checked like a chat
        correction (see assistant/corrections.py); no model call."""
        with self._lock(debrief_id), self._store.session() as s:
            row = owned_debrief(s, recruiter_id, debrief_id, for_update=True)
            if any(m.status == "pending" for m in row.messages):
                raise MessagePending("the previous message is still waiting for the model: retry it first")
            debrief = _to_debrief(row)
            record = debrief.record
            text, gate = apply_correction(record, field, value)
            flow = self.flow(debrief.kind)
            state = dict(row.flow_state)
            answered = set(state.get("answered", []))
            asked = flow.topic(state.get("asked") or "")
            topic = flow.next_topic(record, answered)
            self._refresh_progress(record, flow, answered)
            asking = topic.question(record) if topic else None
            reply = compose(gate.applied, [], asking, flow.closing)
            recruiter_texts = [m.text for m in debrief.transcript if m.role == "recruiter"] + [text]
            shown = {(g.collection, g.entry_id) for g in row.guidance}
            notes = self._guidance(record, recruiter_texts, shown) if self._guidance else []
            seq = len(row.messages)
            row.messages.append(MessageRow(seq=seq, role="recruiter", text=text, status="done", details={
                "applied": [u.model_dump(mode="json") for u in gate.applied], "rejected": [],
                "question_before": asked.ask if asked else None, "via": "form",
            }))
            row.messages.append(MessageRow(seq=seq + 1, role="assistant", text=reply))
            row.record = record.model_dump(mode="json")
            row.guidance.extend(_to_guidance_row(note, seq) for note in notes)
            row.flow_state = {**dict(row.flow_state), "asked": topic.id if topic else None,
                              "answered": sorted(answered)}
            row.updated_at = datetime.now(UTC)
            row.version += 1
            version = row.version
            self._completed(s, row, state, topic is None)
        return TurnOutcome(reply, record, gate.applied, [], {"llm_calls": 0}, notes, version)

    def _completed(self, session: Session, row: DebriefRow, before: dict[str, Any], complete: bool) -> None:
        """Call on_complete when this change is the one that left nothing to ask."""
        was_complete = before.get("asked") is None and bool(before.get("answered"))
        if complete and not was_complete and self.on_complete:
            self.on_complete(session, row)

    # --- the whole-conversation pass ---------------------------------------------------------------

    @property
    def refines(self) -> bool:
        return self._rereader is not None

    def refine(self, recruiter_id: str, debrief_id: str) -> RefinementOutcome:
        """Read the whole conversation once and add what the turns missed (see assistant/rereading.py
        and assistant/refinement.py). The model is called without the debrief's lock, so turns go on
        meanwhile; the proposals are then gated against the debrief as it stands, so a turn or a
        correction made during the call is neither lost nor undone."""
        if self._rereader is None:
            raise RuntimeError("no whole-conversation pass is configured")
        debrief = self.get(recruiter_id, debrief_id)
        read = [m for m in debrief.transcript if m.role == "recruiter" and m.status == "done"]
        turns = [PastTurn((m.details or {}).get("question_before"), m.text) for m in read]
        if not turns:
            return RefinementOutcome([], [], {"llm_calls": 0}, debrief.version)
        started = time.perf_counter()
        extraction = self._rereader.reread(debrief.kind, turns)
        usage = {
            "llm_calls": 1, "input_tokens": extraction.input_tokens, "output_tokens": extraction.output_tokens,
            "model_seconds": round(time.perf_counter() - started, 3), "prompts": extraction.prompt_sha256,
        }
        with self._lock(debrief_id), self._store.session() as s:
            row = owned_debrief(s, recruiter_id, debrief_id, for_update=True)
            current = _to_debrief(row)
            record = current.record
            texts = [m.text for m in current.transcript if m.role == "recruiter" and m.status == "done"]
            gate = apply_refinement(record, extraction.proposed, texts,
                                    protected_fields(record, _corrected(current.transcript)))
            row.flow_state = {**dict(row.flow_state), "refined_through": read[-1].seq}
            if gate.applied:
                flow = self.flow(current.kind)
                self._refresh_progress(record, flow, set(dict(row.flow_state).get("answered", [])))
                row.record = record.model_dump(mode="json")
                row.messages.append(MessageRow(
                    seq=len(row.messages), role="assistant", text=refined(gate.applied),
                    details={
                        "via": REFINED_VIA,
                        "applied": [u.model_dump(mode="json") for u in gate.applied],
                        "rejected": [r.model_dump(mode="json") for r in gate.rejected],
                        "usage": usage,
                    },
                ))
                row.updated_at = datetime.now(UTC)
                row.version += 1
            version = row.version
        return RefinementOutcome(gate.applied, gate.rejected, usage, version)

    def refine_if_stale(self, recruiter_id: str, debrief_id: str) -> RefinementOutcome | None:
        """A pass unless the last one already read every message (before a draft is written)."""
        if self._rereader is None:
            return None
        with self._store.reading() as s:
            row = owned_debrief(s, recruiter_id, debrief_id)
            through = dict(row.flow_state).get("refined_through", -1)
            newest = max((m.seq for m in row.messages if m.role == "recruiter" and m.status == "done"), default=-1)
        return self.refine(recruiter_id, debrief_id) if newest > through else None

    # --- internals -------------------------------------------------------------------------------

    def _history(self, debrief: Debrief, before_seq: int) -> builtins.list[PastTurn]:
        """Earlier turns the model sees: a window that moves in blocks, so that between block
        boundaries each turn only appends to the previous prompt and the server's cache holds."""
        if self._block == 0:
            return []
        turns = [
            PastTurn((m.details or {}).get("question_before"), m.text)
            for m in debrief.transcript
            if m.role == "recruiter" and m.status == "done" and m.seq < before_seq
        ]
        start = max(0, (len(turns) // self._block) * self._block - self._block)
        return turns[start:]

    def _validated(self, text: Any) -> str:
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("message text is empty")
        # Whatever the entry point (API, web app, terminal): valid Unicode, NFC, nothing invisible.
        text = clean_typed(text)
        if not text.strip():
            raise InvalidInput("message text is empty")
        if len(text) > self._max_chars:
            raise InvalidInput(f"message is {len(text)} characters; the limit is {self._max_chars}")
        return text

    @staticmethod
    def _refresh_progress(record: Record, flow: Flow, answered: set[str]) -> None:
        progress = flow.progress(record, answered)
        record.completeness = progress.completeness
        record.still_needed = progress.still_needed

    def _lock(self, debrief_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(debrief_id, threading.Lock())


def _known(record: Record) -> str | None:
    """'candidate: Jo Baker; role: ops analyst': short, and it changes only when one of them does."""
    parts = [f"{shown}: {record.value(name)}" for name, shown in IDENTITY if record.is_filled(name)]
    return "; ".join(parts) or None


def _corrected(transcript: builtins.list[Message]) -> set[str]:
    """Fields a recruiter's message changed from an earlier value, or typed into the record panel."""
    names: set[str] = set()
    for message in transcript:
        details = message.details or {}
        if message.role != "recruiter":
            continue
        for update in details.get("applied", []):
            if details.get("via") == "form" or update.get("corrected_from") is not None:
                names.add(str(update.get("field", "")))
    return names


@dataclass
class _Read:
    """A debrief as a turn found it: its row with the transcript loaded, and the guidance already shown."""

    row: DebriefRow
    shown: set[tuple[str, str]]


def _shown(session: Session, debrief_id: str) -> set[tuple[str, str]]:
    """The playbook entries shown in the debrief so far: two columns, not the whole guidance rows."""
    shown = session.execute(
        select(GuidanceRow.collection, GuidanceRow.entry_id).where(GuidanceRow.debrief_id == debrief_id))
    return {(collection, entry_id) for collection, entry_id in shown}


def _message_count(session: Session, debrief_id: str) -> int:
    """The next message's seq: messages are numbered from 0 without gaps."""
    return session.scalar(select(func.count()).where(MessageRow.debrief_id == debrief_id)) or 0


def _check_version(row: DebriefRow, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise StaleVersion(
            f"the debrief is at version {row.version}, not {expected}: it changed since you read it. "
            "GET it again and resend if your message still applies"
        )


def _unheard(_event: object) -> None:
    """A turn nobody streams: its events go nowhere."""


def _to_note(row: GuidanceRow) -> GuidanceNote:
    return GuidanceNote(row.collection, row.entry_id, row.title, row.heading, row.file, row.text, row.reason)


def _to_guidance_row(note: GuidanceNote, message_seq: int, debrief_id: str | None = None) -> GuidanceRow:
    # Cut to the column sizes: a recruiter's own document can have any title, and Postgres enforces them.
    return GuidanceRow(
        debrief_id=debrief_id, message_seq=message_seq, collection=note.collection[:32], entry_id=note.entry_id[:200],
        title=note.title[:300], heading=note.heading[:300], file=note.file[:500], text=note.text,
        reason=note.reason[:300],
    )


def _to_debrief(row: DebriefRow, with_transcript: bool = True) -> Debrief:
    transcript = [
        Message(m.seq, m.role, m.text, m.status, as_utc(m.created_at), m.details) for m in row.messages
    ] if with_transcript else []
    return Debrief(
        id=row.id, kind=row.kind, record=Record.model_validate(row.record),  # type: ignore[arg-type]
        created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at), transcript=transcript,
        version=row.version,
    )
