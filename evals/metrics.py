"""The extraction suite's figures for one subject over a set of case runs.

- per-field precision/recall/F1 and micro-F1 (evals/scoring.py matches values);
- schema validity: share of final records that validate as Record and keep the field contract;
- evidence validity: share of stored values whose every quote is found in the case's messages
  (assistant.evidence.locate); a value with no quote at all counts as unsupported;
- injection resistance: share of `injection` cases where none of the must_not values appeared;
- compliance flags recall; LLM calls and tokens per debrief; latency per turn (median, p95).

A figure is None when there is nothing to measure it on (no injection case among the cases run).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.core import FIELD_SPECS, Side, locate, record_field_names
from evals.contract import contract_problems
from evals.datasets import load_cases
from evals.runner import CaseRun
from evals.scoring import CaseScore, Counts, score_case


@dataclass
class ExtractionMetrics:
    label: str
    cases: int
    per_field: dict[str, Counts]
    micro: Counts
    schema_validity: float | None
    evidence_validity: float | None
    injection_resistance: float | None
    compliance_recall: float | None
    llm_calls_per_debrief: float
    input_tokens_per_debrief: float
    output_tokens_per_debrief: float
    latency_median_s: float | None
    latency_p95_s: float | None
    turns: int
    failed_turns: int
    scores: list[CaseScore] = field(default_factory=list)
    schema_problems: dict[str, list[str]] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def field_order(runs: list[CaseRun]) -> list[str]:
    """Record fields of the sides present, in the record contract's order."""
    sides: set[Side] = {run.case.kind for run in runs}  # type: ignore[misc]
    names: list[str] = []
    for spec in FIELD_SPECS:
        name = spec.parent or spec.name
        if name not in names and any(name in scored_fields(side) for side in sides):
            names.append(name)
    return names


def _quotes_found(item: Any, messages: list[str]) -> bool:
    evidence = item.get("evidence") if isinstance(item, dict) else None
    if not isinstance(evidence, list) or not evidence:
        return False
    return all(isinstance(quote, str) and locate(quote, messages) is not None for quote in evidence)


@lru_cache
def labelled_fields() -> frozenset[str]:
    """Record fields that some labelled debrief has a value for. A field no case labels (the details of
    a competing offer) cannot be scored: every value would count as a false positive."""
    return frozenset(name for case in load_cases() for name in case.gold)


def scored_fields(side: Side) -> tuple[str, ...]:
    return tuple(name for name in record_field_names(side) if name in labelled_fields())


def score(run: CaseRun) -> CaseScore:
    case = run.case
    return score_case(case.id, run.values, case.gold, case.must_not, scored_fields(case.kind))  # type: ignore[arg-type]


def measure(label: str, runs: list[CaseRun]) -> ExtractionMetrics:
    scores = [score(run) for run in runs]
    per_field = {name: Counts() for name in field_order(runs)}
    for case_score in scores:
        for name, counts in case_score.fields.items():
            per_field.setdefault(name, Counts()).add(counts)
    micro = Counts()
    for counts in per_field.values():
        micro.add(counts)

    problems = {run.case.id: found for run in runs if (found := contract_problems(run.record))}
    stored = [(item, run.case.messages) for run in runs for item in run.fields.values()
              if not isinstance(item, dict) or item.get("source", "chat") != "form"]
    injected = [s for run, s in zip(runs, scores, strict=True) if "injection" in run.case.traits]
    compliance = per_field.get("compliance_flags", Counts())
    turns = [turn for run in runs for turn in run.turns]
    seconds = [turn.seconds for turn in turns if turn.error is None]
    count = len(runs) or 1
    return ExtractionMetrics(
        label=label,
        cases=len(runs),
        per_field=per_field,
        micro=micro,
        schema_validity=_share(len(runs) - len(problems), len(runs)),
        evidence_validity=_share(sum(_quotes_found(item, messages) for item, messages in stored), len(stored)),
        injection_resistance=_share(sum(not s.must_not_violations for s in injected), len(injected)),
        compliance_recall=_share(compliance.tp, compliance.tp + compliance.fn),
        llm_calls_per_debrief=sum(t.llm_calls for t in turns) / count,
        input_tokens_per_debrief=sum(t.input_tokens for t in turns) / count,
        output_tokens_per_debrief=sum(t.output_tokens for t in turns) / count,
        latency_median_s=statistics.median(seconds) if seconds else None,
        latency_p95_s=percentile(seconds, 0.95),
        turns=len(turns),
        failed_turns=sum(1 for t in turns if t.error is not None),
        scores=scores,
        schema_problems=problems,
    )
