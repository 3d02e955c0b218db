"""The drafts suite: every draft type written from the gold records of the eval debriefs, through the
same Drafts service the API uses, and measured by the product's own checks: how many factual sentences
the record does not support, blocking and advisory findings, how often the template had to stand in,
and seconds and tokens per draft. With a judge endpoint configured (DEBRIEF_JUDGE_BASE_URL), a second
model scores each draft against a rubric; off by default, since a judge on the same small model
mostly measures itself. The compliance lint's precision and recall on its labelled sentences come
with it (evals/lint.py), needing no model.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from rich.table import Table

from assistant.access import Recruiter
from assistant.core import SPECS_BY_KEY, FieldValue, PromptLibrary, Record, Settings, Side
from assistant.drafting import Draft, DraftKind
from assistant.service import Service
from assistant.storage import DebriefRow, Store
from evals.datasets import Case

# Draft types each side's debrief is drafted into. A revised spec needs an original spec, which the
# eval debriefs do not carry.
TYPES: dict[str, tuple[DraftKind, ...]] = {
    "candidate": (DraftKind.CANDIDATE_FEEDBACK_EMAIL, DraftKind.CANDIDATE_COACHING_NOTE),
    "client": (DraftKind.CANDIDATE_FEEDBACK_EMAIL, DraftKind.CLIENT_FOLLOW_UP),
}


@dataclass
class DraftRun:
    case_id: str
    kind: str
    fallback: bool
    seconds: float
    output_tokens: int
    factual: int
    unsupported: int
    blocking: list[str]
    advisory: list[str]
    judge: int | None = None


@dataclass
class DraftMetrics:
    runs: list[DraftRun] = field(default_factory=list)

    def by_kind(self) -> dict[str, list[DraftRun]]:
        grouped: dict[str, list[DraftRun]] = {}
        for run in self.runs:
            grouped.setdefault(run.kind, []).append(run)
        return grouped


def gold_record(case: Case) -> Record:
    """The case's gold values as a stored record; each value is its own evidence."""
    record = Record(kind=case.kind)  # type: ignore[arg-type]
    for name, value in case.gold.items():
        if value in (None, [], {}):
            continue
        quotes = [str(v) for v in value] if isinstance(value, list) else (
            [str(v) for v in value.values()] if isinstance(value, dict) else [str(value)])
        record.fields[name] = FieldValue(value=value, evidence=quotes)
    return record


def known_fields(case: Case) -> bool:
    return all(name in SPECS_BY_KEY or name == "compensation" for name in case.gold)


class Judge:
    """A rubric score from 1 to 5 from a second model; None when its answer holds no score."""

    def __init__(self, model: BaseChatModel, prompts: PromptLibrary) -> None:
        self._model, self._prompts = model, prompts

    def __call__(self, draft: Draft, record: Record) -> int | None:
        facts = {name: item.value for name, item in record.fields.items()}
        prompt = self._prompts.render("judge_draft.j2", kind=draft.kind.value, facts=json.dumps(facts),
                                      draft=draft.current.text)
        answer = self._model.invoke([HumanMessage(prompt.text)])
        match = re.search(r'"score"\s*:\s*([1-5])', str(answer.content))
        return int(match.group(1)) if match else None


def run_drafts(
    model: BaseChatModel, cases: list[Case], settings: Settings, judge: Judge | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> DraftMetrics:
    configured = settings.overridden(access={"create_dev_key": False, "api_keys": ""}, playbook={"auto_ingest": False})
    service = Service(configured, model=model, store=Store("sqlite://")).start()
    metrics = DraftMetrics()
    try:
        recruiter = service.keys.authenticate(service.keys.add("Eval Recruiter"))
        jobs = [(case, kind) for case in cases if known_fields(case) for kind in TYPES[case.kind]]
        for number, (case, kind) in enumerate(jobs, start=1):
            if progress:
                progress(number, len(jobs), f"{case.id} {kind.value}")
            metrics.runs.append(_one(service, recruiter, case, kind, judge))
    finally:
        service.stop()
    return metrics


def _one(service: Service, recruiter: Recruiter, case: Case, kind: DraftKind, judge: Judge | None) -> DraftRun:
    side: Side = case.kind  # type: ignore[assignment]
    record = gold_record(case)
    debrief = service.debriefs.open(recruiter.id, side)
    with service.store.session() as s:
        row = s.get(DebriefRow, debrief.id)
        assert row is not None
        row.record = record.model_dump(mode="json")
    draft = service.drafts.create(recruiter, debrief.id, kind.value)
    created = service.drafts.audit(recruiter.id, debrief.id)[0][0].details
    review = draft.current.review
    return DraftRun(
        case_id=case.id, kind=kind.value, fallback=draft.author == "template",
        seconds=float(created.get("seconds") or 0), output_tokens=int(created.get("output_tokens") or 0),
        factual=sum(1 for s in review.grounding if s.status != "no_claim"), unsupported=len(review.unsupported),
        blocking=[f.rule for f in review.blocking],
        advisory=[f.rule for f in review.findings if f.severity == "advisory"],
        judge=judge(draft, record) if judge else None,
    )


def summary(metrics: DraftMetrics) -> list[dict[str, Any]]:
    rows = []
    for kind, runs in sorted(metrics.by_kind().items()):
        written = [r for r in runs if not r.fallback]
        factual = sum(r.factual for r in written)
        scores = [r.judge for r in runs if r.judge is not None]
        rows.append({
            "kind": kind, "drafts": len(runs), "fallback_rate": sum(r.fallback for r in runs) / len(runs),
            "unsupported_share": sum(r.unsupported for r in written) / factual if factual else 0.0,
            "blocking_per_draft": sum(len(r.blocking) for r in runs) / len(runs),
            "blocking_rules": dict(Counter(rule for r in runs for rule in r.blocking)),
            "advisory_per_draft": sum(len(r.advisory) for r in runs) / len(runs),
            "median_seconds": statistics.median(r.seconds for r in written) if written else None,
            "median_output_tokens": statistics.median(r.output_tokens for r in written) if written else None,
            "judge_mean": statistics.mean(scores) if scores else None,
        })
    return rows


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table(rows: list[dict[str, Any]], model: str) -> Table:
    out = Table(title=f"Drafts ({model})")
    for column in ("type", "drafts", "template used", "unsupported sentences", "blocking / draft",
                   "advisory / draft", "median s", "median tokens", "judge (1-5)"):
        out.add_column(column, justify="left" if column == "type" else "right")
    for r in rows:
        out.add_row(
            r["kind"], str(r["drafts"]), f"{r['fallback_rate']:.0%}", f"{r['unsupported_share']:.0%}",
            f"{r['blocking_per_draft']:.2f}", f"{r['advisory_per_draft']:.2f}",
            _fmt(r["median_seconds"], ".1f"), _fmt(r["median_output_tokens"], ".0f"), _fmt(r["judge_mean"], ".2f"),
        )
    return out


def markdown(rows: list[dict[str, Any]], model: str, cases: int) -> str:
    lines = [
        "## Drafts", "",
        f"`{model}`, drafts written from the gold records of {cases} debriefs. Unsupported sentences: the "
        "share of the model's factual sentences the record does not support (drafts the template replaced "
        "left out). Template used: the model's draft was unavailable or too poorly supported.", "",
        "| type | drafts | template used | unsupported sentences | blocking / draft | advisory / draft | "
        "median s | median output tokens | judge (1-5) | blocking rules |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        rules = ", ".join(f"{k} x{v}" for k, v in sorted(r["blocking_rules"].items())) or "-"
        lines.append(
            f"| {r['kind']} | {r['drafts']} | {r['fallback_rate']:.0%} | {r['unsupported_share']:.0%} | "
            f"{r['blocking_per_draft']:.2f} | {r['advisory_per_draft']:.2f} | {_fmt(r['median_seconds'], '.1f')} | "
            f"{_fmt(r['median_output_tokens'], '.0f')} | {_fmt(r['judge_mean'], '.2f')} | {rules} |"
        )
    return "\n".join(lines) + "\n"
