"""Drafts for a debrief: written by the model (or a template), checked, edited, approved or discarded,
every step in the audit log. Entry points (API, CLI, evals) all come through this class."""

from __future__ import annotations

import builtins
import difflib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.access import Recruiter
from assistant.conversation import untrusted_spans
from assistant.core import DraftNotFound, Emit, Handoff, InvalidInput, ModelUnavailable, Record
from assistant.drafting.approval import check_approval, check_edit, check_open
from assistant.drafting.disclosure import facts, withheld_flags
from assistant.drafting.export import ExportFile, export
from assistant.drafting.review import Review, review
from assistant.drafting.writer import KINDS, TEMPLATE, Brief, DraftKind, DraftWriter, Written
from assistant.playbook import GuidanceNote
from assistant.storage import (
    DebriefRow,
    DraftRow,
    DraftVersionRow,
    InterviewDebriefRow,
    Store,
    as_utc,
    audit,
    owned_debrief,
)

ProgressEvent = tuple[str, dict[str, Any]]
GUIDANCE_IN_BRIEF = 2


@dataclass
class DraftVersion:
    number: int
    text: str
    author: str
    review: Review
    created_at: datetime


@dataclass
class Draft:
    id: str
    debrief_id: str
    kind: DraftKind
    status: str
    author: str
    notices: list[str]
    override_reason: str | None
    decided_by: str | None
    created_at: datetime
    updated_at: datetime
    versions: list[DraftVersion] = field(default_factory=list)

    @property
    def current(self) -> DraftVersion:
        return self.versions[-1]


class Drafts:
    def __init__(self, store: Store, writer: DraftWriter, max_unsupported_share: float = 0.5,
                 max_spec_chars: int = 20_000) -> None:
        self._store = store
        self._writer = writer
        self._max_unsupported = max_unsupported_share
        self._max_spec_chars = max_spec_chars
        # Called with (recruiter_id, debrief_id) before a draft is written: the service brings the
        # record up to date with the whole conversation there, so a draft never rests on a partial one.
        self.before_writing: Callable[[str, str], None] | None = None
        # Called with (session, recruiter_id, the approved draft's row) inside the approval's transaction:
        # the service queues what the approval hands to the recruiter's ATS there, so both commit together.
        self.on_approved: Callable[[Session, str, DraftRow], None] | None = None

    @property
    def max_spec_bytes(self) -> int:
        return self._max_spec_chars * 4  # UTF-8: at most four bytes a character

    # --- writing ---------------------------------------------------------------------------------

    def create(self, recruiter: Recruiter, debrief_id: str, kind: str, instructions: str | None = None,
               original_spec: str | None = None) -> Draft:
        for event in self._events(recruiter, debrief_id, kind, instructions, original_spec):
            if isinstance(event, Draft):
                return event
        raise RuntimeError("drafting ended without a draft")

    def stream_create(
        self, recruiter: Recruiter, debrief_id: str, kind: str, instructions: str | None = None,
        original_spec: str | None = None,
    ) -> Handoff[Draft]:
        """`accepted` once the request is checked, `delta` events as the model writes, the Draft last. The
        draft is written in its own thread (assistant/handoff.py): a reader that goes away leaves no
        half-read model stream behind, and the draft is stored for when the recruiter comes back."""

        def work(emit: Emit) -> Draft:
            for event in self._events(recruiter, debrief_id, kind, instructions, original_spec):
                if isinstance(event, Draft):
                    return event
                emit(event)
            raise RuntimeError("drafting ended without a draft")

        return Handoff(work, name="draft")

    def _events(
        self, recruiter: Recruiter, debrief_id: str, kind: str, instructions: str | None = None,
        original_spec: str | None = None,
    ) -> Iterator[ProgressEvent | Draft]:
        draft_kind = _kind(kind)
        spec, notices = self._spec(draft_kind, original_spec)
        if self.before_writing:
            self.before_writing(recruiter.id, debrief_id)
        with self._store.session() as s:
            brief = self._brief(s, recruiter, debrief_id, draft_kind, instructions, spec)
            others = self._other_candidates(s, recruiter.id, debrief_id)
        withheld = withheld_flags(brief.info.audience, brief.record, brief.other_side)
        if withheld:
            notices.append(
                f"{len(withheld)} remark(s) touching a protected characteristic were left out of this draft: "
                "they may never be a reason given to a candidate."
            )
        yield ("accepted", {"debrief_id": debrief_id, "kind": draft_kind.value})
        written, checks, rejected = yield from self._write(brief, notices, others)
        with self._store.session() as s:
            owned_debrief(s, recruiter.id, debrief_id)
            row = DraftRow(
                debrief_id=debrief_id, kind=draft_kind.value, status="draft", author=written.author,
                prompt_name=next(iter(written.prompts), None), prompt_sha256=next(iter(written.prompts.values()), None),
                instructions=instructions, original_spec=spec, notices=notices,
            )
            row.versions.append(DraftVersionRow(
                number=1, text=written.text, author="template" if written.author == TEMPLATE else "model",
                review=checks.to_json(),
            ))
            s.add(row)
            s.flush()
            audit.append(s, debrief_id, recruiter.id, "draft.created", row.id, {
                "kind": draft_kind.value, "model": written.author, "prompts": written.prompts,
                "input_tokens": written.input_tokens, "output_tokens": written.output_tokens,
                "seconds": written.seconds, "notices": notices, "removed_markup": written.removed,
                "removed_instructions": written.echoed,
                "blocking": sorted({f.rule for f in checks.blocking}),
                "unsupported_sentences": len(checks.unsupported), "rejected_model_text": rejected,
            })
            draft = _to_draft(row)
        yield draft

    def _write(
        self, brief: Brief, notices: list[str], others: builtins.list[str]
    ) -> Generator[ProgressEvent, None, tuple[Written, Review, str | None]]:
        """The model's draft with its checks, or the template's when the model is down or its draft does
        not hold up (then also the model's rejected text)."""
        shape = self._writer.shape(brief)
        yield ("status", {"stage": "writing", "message": f"Writing the {brief.info.title}"})
        try:
            written = yield from _deltas(self._writer.stream(brief))
        except ModelUnavailable as exc:
            notices.append(f"The model did not answer ({_short(str(exc))}): this draft was filled in from the "
                           "record by a template. Read it through before approving.")
            return *self._template(brief, others, shape), None
        if written.removed:
            notices.append(f"{len(written.removed)} link(s), image(s) or markup were removed from the draft.")
        if written.echoed:
            notices.append(f"{len(written.echoed)} line(s) repeating the drafting instructions were removed "
                           "from the draft.")
        checks = review(written.text, brief, others, shape)
        if not written.text.strip() or checks.unsupported_share > self._max_unsupported:
            notices.append(
                f"The model's draft stated things the debrief does not support ({len(checks.unsupported)} "
                "sentence(s)): this draft was filled in from the record by a template instead."
            )
            return *self._template(brief, others, shape), written.text
        return written, checks, None

    def _template(self, brief: Brief, others: builtins.list[str], shape: str) -> tuple[Written, Review]:
        written = self._writer.template(brief)
        return written, review(written.text, brief, others, shape)

    def _spec(self, kind: DraftKind, original_spec: str | None) -> tuple[str | None, list[str]]:
        notices: list[str] = []
        if kind is not DraftKind.REVISED_JOB_SPEC:
            if original_spec:
                raise InvalidInput("original_spec is only used by revised_job_spec drafts")
            return None, notices
        if not original_spec or not original_spec.strip():
            raise InvalidInput("a revised_job_spec draft needs the original job spec (original_spec)")
        if len(original_spec) > self._max_spec_chars:
            raise InvalidInput(f"the original spec is {len(original_spec)} characters; the limit is "
                               f"{self._max_spec_chars}")
        original_spec, removed = _without_instructions(original_spec)
        if removed:
            notices.append(f"{removed} passage(s) of the original spec addressed to an AI were left out of "
                           "what the model read.")
        return original_spec.strip(), notices

    def _brief(self, s: Session, recruiter: Recruiter, debrief_id: str, kind: DraftKind,
               instructions: str | None, spec: str | None) -> Brief:
        row = owned_debrief(s, recruiter.id, debrief_id)
        record = Record.model_validate(row.record)
        notes = [
            GuidanceNote(g.collection, g.entry_id, g.title, g.heading, g.file, _without_instructions(g.text)[0],
                         g.reason)
            for g in row.guidance if g.collection == "playbook"
        ][-GUIDANCE_IN_BRIEF:]
        audience = KINDS[kind].audience
        other = _other_side(s, debrief_id)
        return Brief(kind, record, facts(record, audience, other), recruiter.name, notes,
                     (instructions or "").strip()[:2000] or None, spec, other)

    # --- reading ---------------------------------------------------------------------------------

    def list(self, recruiter_id: str, debrief_id: str) -> builtins.list[Draft]:
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            rows = s.scalars(select(DraftRow).where(DraftRow.debrief_id == debrief_id)
                             .order_by(DraftRow.created_at)).all()
            return [_to_draft(r) for r in rows]

    def get(self, recruiter_id: str, debrief_id: str, draft_id: str) -> Draft:
        with self._store.session() as s:
            return _to_draft(self._draft(s, recruiter_id, debrief_id, draft_id))

    def audit(self, recruiter_id: str, debrief_id: str) -> tuple[builtins.list[audit.AuditEvent], audit.ChainCheck]:
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            chain = audit.events(s, debrief_id)
        return chain, audit.verify(debrief_id, chain)

    # --- deciding --------------------------------------------------------------------------------

    def edit(self, recruiter: Recruiter, debrief_id: str, draft_id: str, text: str) -> Draft:
        with self._store.session() as s:
            row = self._draft(s, recruiter.id, debrief_id, draft_id)
            check_edit(row.status, text)
            previous = row.versions[-1].text
            if text == previous:
                return _to_draft(row)
            brief = self._brief(s, recruiter, debrief_id, DraftKind(row.kind), row.instructions, row.original_spec)
            checks = review(text, brief, self._other_candidates(s, recruiter.id, debrief_id), self._writer.shape(brief))
            number = len(row.versions) + 1
            row.versions.append(DraftVersionRow(number=number, text=text, author=recruiter.id,
                                                review=checks.to_json()))
            row.status = "edited"
            row.updated_at = datetime.now(UTC)
            audit.append(s, debrief_id, recruiter.id, "draft.edited", row.id,
                         {"version": number, "diff": _diff(previous, text)})
            s.flush()
            return _to_draft(row)

    def approve(
        self, recruiter: Recruiter, debrief_id: str, draft_id: str, override_reason: str | None = None
    ) -> Draft:
        with self._store.session() as s:
            row = self._draft(s, recruiter.id, debrief_id, draft_id)
            current = Review.from_json(row.versions[-1].review)
            reason = check_approval(row.status, current.blocking, override_reason)
            row.status, row.decided_by, row.override_reason = "approved", recruiter.id, reason
            row.updated_at = datetime.now(UTC)
            audit.append(s, debrief_id, recruiter.id, "draft.approved", row.id, {
                "version": len(row.versions), "model": row.author, "prompt": row.prompt_name,
                "prompt_sha256": row.prompt_sha256, "override_reason": reason,
                "overridden": sorted({f.rule for f in current.blocking}) if reason else [],
                "diff_from_model": _diff(row.versions[0].text, row.versions[-1].text, ("model", "approved")),
            })
            if self.on_approved:
                self.on_approved(s, recruiter.id, row)
            return _to_draft(row)

    def discard(self, recruiter: Recruiter, debrief_id: str, draft_id: str) -> Draft:
        with self._store.session() as s:
            row = self._draft(s, recruiter.id, debrief_id, draft_id)
            check_open(row.status, "discarded")
            row.status, row.decided_by, row.updated_at = "discarded", recruiter.id, datetime.now(UTC)
            audit.append(s, debrief_id, recruiter.id, "draft.discarded", row.id, {"version": len(row.versions)})
            return _to_draft(row)

    def export(self, recruiter: Recruiter, debrief_id: str, draft_id: str) -> ExportFile:
        with self._store.session() as s:
            row = self._draft(s, recruiter.id, debrief_id, draft_id)
            if row.status != "approved":
                raise InvalidInput(f"only an approved draft can be exported; this one is {row.status}")
            record = Record.model_validate(s.get(DebriefRow, debrief_id).record)  # type: ignore[union-attr]
            kind = DraftKind(row.kind)
            subject = " ".join(str(v) for v in (record.value("role_title"), record.value("company")) if v)
            file = export(kind, row.id, row.versions[-1].text, row.updated_at,
                          f"{KINDS[kind].title.capitalize()}{': ' + subject if subject else ''}")
            audit.append(s, debrief_id, recruiter.id, "draft.exported", row.id, {"file": file.filename})
            return file

    # --- internals -------------------------------------------------------------------------------

    def _draft(self, session: Session, recruiter_id: str, debrief_id: str, draft_id: str) -> DraftRow:
        owned_debrief(session, recruiter_id, debrief_id)
        row = session.get(DraftRow, draft_id)
        if row is None or row.debrief_id != debrief_id:
            raise DraftNotFound(f"no draft {draft_id} in debrief {debrief_id}")
        return row

    def _other_candidates(self, s: Session, recruiter_id: str, debrief_id: str) -> builtins.list[str]:
        """Names from the recruiter's other debriefs: none of them may appear in this one's drafts."""
        records = s.scalars(select(DebriefRow.record).where(
            DebriefRow.recruiter_id == recruiter_id, DebriefRow.id != debrief_id)).all()
        names = {str(r.get("fields", {}).get("candidate_name", {}).get("value") or "") for r in records}
        return sorted(n for n in names if n.strip())


def _other_side(s: Session, debrief_id: str) -> Record | None:
    """The other side's record when this debrief belongs to an interview that has both."""
    link = s.scalar(select(InterviewDebriefRow).where(InterviewDebriefRow.debrief_id == debrief_id))
    if link is None:
        return None
    other = s.scalar(select(InterviewDebriefRow).where(
        InterviewDebriefRow.interview_id == link.interview_id, InterviewDebriefRow.side != link.side))
    return Record.model_validate(other.debrief.record) if other else None


def _kind(kind: str) -> DraftKind:
    try:
        return DraftKind(kind)
    except ValueError:
        raise InvalidInput(f"type must be one of {', '.join(k.value for k in DraftKind)}, not {kind!r}") from None


def _deltas(writing: Generator[str, None, Written]) -> Generator[ProgressEvent, None, Written]:
    while True:
        try:
            text = next(writing)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        yield ("delta", {"text": text})


def _without_instructions(text: str) -> tuple[str, int]:
    """The text without its passages addressed to an AI, and how many there were."""
    spans = untrusted_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text, len(spans)


def _diff(before: str, after: str, labels: tuple[str, str] = ("before", "after")) -> str:
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), *labels, n=1))


def _short(text: str) -> str:
    return text if len(text) < 120 else text[:117] + "..."


def _to_draft(row: DraftRow) -> Draft:
    return Draft(
        id=row.id, debrief_id=row.debrief_id, kind=DraftKind(row.kind), status=row.status, author=row.author,
        notices=list(row.notices or []), override_reason=row.override_reason, decided_by=row.decided_by,
        created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at),
        versions=[DraftVersion(v.number, v.text, v.author, Review.from_json(v.review), as_utc(v.created_at))
                  for v in row.versions],
    )
