"""Run labelled debriefs through an extractor turn by turn, keeping the final record and what each turn cost.

The engine is the product itself (assistant.service.Service with the injected model and a throwaway
in-memory store), so what is measured is what recruiters get. evals/baseline.py is the other subject.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel

from assistant.core import DebriefError, Settings
from assistant.service import Service
from assistant.storage import Store
from evals.datasets import Case


@dataclass
class TurnStat:
    seconds: float
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    error: str | None = None


@dataclass
class CaseRun:
    case: Case
    # Record-shaped JSON ({"kind", "fields": {name: {"value", "evidence", "source"}}}), exactly as the
    # subject produced it: the engine's is a validated Record, the baseline's may not be.
    record: dict[str, Any]
    turns: list[TurnStat] = field(default_factory=list)
    # The engine's record after its turns alone, before the whole-conversation pass, and that pass's
    # cost (None for subjects without one).
    after_turns: dict[str, Any] | None = None
    refinement: TurnStat | None = None

    def turns_only(self) -> CaseRun:
        """This run as it stood before the whole-conversation pass."""
        return CaseRun(self.case, self.after_turns if self.after_turns is not None else self.record,
                       [t for t in self.turns if t is not self.refinement])

    @property
    def fields(self) -> dict[str, Any]:
        fields = self.record.get("fields") if isinstance(self.record, dict) else None
        return fields if isinstance(fields, dict) else {}

    @property
    def values(self) -> dict[str, Any]:
        """Values extracted from the chat (form prefill is not the extractor's work)."""
        return {
            name: item.get("value") for name, item in self.fields.items()
            if isinstance(item, dict) and item.get("source", "chat") != "form"
        }


class Subject(Protocol):
    """Something that debriefs a case: the engine, or the baseline."""

    label: str

    def run(self, case: Case) -> CaseRun: ...


Progress = Callable[[str, int, int, str], None]  # (subject label, case number, case count, case id)


def run_cases(subject: Subject, cases: list[Case], progress: Progress | None = None) -> list[CaseRun]:
    runs = []
    for number, case in enumerate(cases, start=1):
        if progress:
            progress(subject.label, number, len(cases), case.id)
        runs.append(subject.run(case))
    return runs


class Engine:
    label = "engine"

    def __init__(self, model: BaseChatModel, settings: Settings, refine: bool = True) -> None:
        self._refine = refine
        # No background pass: the eval runs the whole-conversation pass itself, once the turns are done.
        settings = settings.overridden(
            access={"create_dev_key": False, "api_keys": ""},
            refinement={"in_background": False, "on_completion": False, "before_drafts": False},
        )
        self._service = Service(settings, model=model, store=Store("sqlite://")).start()
        self._recruiter = self._service.keys.authenticate(self._service.keys.add("evals")).id

    def run(self, case: Case) -> CaseRun:
        debriefs = self._service.debriefs
        debrief = debriefs.open(self._recruiter, case.kind)
        turns = []
        for text in case.messages:
            started = time.perf_counter()
            try:
                outcome = debriefs.post_message(self._recruiter, debrief.id, text)
            except DebriefError as exc:
                turns.append(TurnStat(time.perf_counter() - started, 1, error=f"{type(exc).__name__}: {exc}"))
                # The message now waits for a retry, as it would for a recruiter, and the engine reads
                # nothing after it: the case ends here with the record so far.
                break
            usage = outcome.usage
            turns.append(TurnStat(
                time.perf_counter() - started, int(usage.get("llm_calls", 0)),
                int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)),
            ))
        after_turns = debriefs.get(self._recruiter, debrief.id).record.model_dump(mode="json")
        refinement = None
        if self._refine and not any(turn.error for turn in turns):
            # The pass the flow's completion and the first draft ask for, run here in line so that
            # what it costs is measured and the recorded model traffic stays in one order.
            started = time.perf_counter()
            try:
                usage = debriefs.refine(self._recruiter, debrief.id).usage
                refinement = TurnStat(time.perf_counter() - started, int(usage.get("llm_calls", 0)),
                                      int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)))
            except DebriefError as exc:
                refinement = TurnStat(time.perf_counter() - started, 1, error=f"{type(exc).__name__}: {exc}")
            turns.append(refinement)
        record = debriefs.get(self._recruiter, debrief.id).record
        return CaseRun(case, record.model_dump(mode="json"), turns, after_turns, refinement)

    def close(self) -> None:
        self._service.stop()
