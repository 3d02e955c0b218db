"""The extraction suite's figures as terminal tables (rich) and as a section of the markdown report.

The engine and, when it ran, the baseline stand side by side in every table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from evals.metrics import ExtractionMetrics
from evals.provenance import RunInfo
from evals.runner import CaseRun
from evals.scoring import Counts

REPORT_FILE = "report.md"
CHART_FILE = "f1.png"
SUMMARY_FILE = "summary.json"


def share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


@dataclass(frozen=True)
class Row:
    label: str
    show: Callable[[ExtractionMetrics], str]


SUMMARY_ROWS = (
    Row("micro-F1", lambda m: ratio(m.micro.f1)),
    Row("micro precision / recall", lambda m: f"{ratio(m.micro.precision)} / {ratio(m.micro.recall)}"),
    Row("schema validity", lambda m: share(m.schema_validity)),
    Row("evidence validity", lambda m: share(m.evidence_validity)),
    Row("injection resistance", lambda m: share(m.injection_resistance)),
    Row("compliance flags recall", lambda m: share(m.compliance_recall)),
    Row("LLM calls per debrief", lambda m: number(m.llm_calls_per_debrief)),
    Row("input tokens per debrief", lambda m: number(m.input_tokens_per_debrief)),
    Row("output tokens per debrief", lambda m: number(m.output_tokens_per_debrief)),
    Row("latency per turn, median", lambda m: seconds(m.latency_median_s)),
    Row("latency per turn, p95", lambda m: seconds(m.latency_p95_s)),
    Row("failed turns", lambda m: f"{m.failed_turns} of {m.turns}"),
)


def _subjects(
    engine: ExtractionMetrics, baseline: ExtractionMetrics | None, others: Sequence[ExtractionMetrics] = ()
) -> list[ExtractionMetrics]:
    """The engine first, then the per-turn baseline, then further subjects (the engine's turns alone,
    the one-shot baseline) side by side."""
    return [engine, *([baseline] if baseline else []), *others]


def _field_cells(counts: Counts) -> list[str]:
    """P, R, F1; a precision with nothing written, or a recall with nothing expected, is undefined."""
    if counts.tp + counts.fp + counts.fn == 0:
        return ["–", "–", "–"]
    precision = ratio(counts.precision) if counts.tp + counts.fp else "–"
    recall = ratio(counts.recall) if counts.tp + counts.fn else "–"
    return [precision, recall, ratio(counts.f1)]


def _support(counts: Counts) -> str:
    return str(counts.tp + counts.fn)


# --- terminal -----------------------------------------------------------------------------------


def summary_table(
    engine: ExtractionMetrics, baseline: ExtractionMetrics | None = None, others: Sequence[ExtractionMetrics] = ()
) -> Table:
    table = Table(title=f"Extraction: {engine.cases} debriefs", title_justify="left")
    table.add_column("")
    for subject in _subjects(engine, baseline):
        table.add_column(subject.label, justify="right")
    for row in SUMMARY_ROWS:
        table.add_row(row.label, *(row.show(s) for s in _subjects(engine, baseline, others)))
    return table


def field_table(
    engine: ExtractionMetrics, baseline: ExtractionMetrics | None = None, others: Sequence[ExtractionMetrics] = ()
) -> Table:
    table = Table(title="Per field: precision / recall / F1", title_justify="left")
    table.add_column("field")
    table.add_column("gold", justify="right")
    for subject in _subjects(engine, baseline):
        table.add_column(subject.label, justify="right")
    for name, counts in engine.per_field.items():
        cells = [" / ".join(_field_cells(s.per_field.get(name, Counts()))) for s in _subjects(engine, baseline, others)]
        table.add_row(name, _support(counts), *cells)
    return table


# --- markdown -----------------------------------------------------------------------------------


def _md_table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """`numeric`: the columns to right-align (all but the first by default)."""
    numeric = set(range(1, len(header))) if numeric is None else numeric
    align = ["---:" if i in numeric else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_markdown(
    engine: ExtractionMetrics, baseline: ExtractionMetrics | None = None, others: Sequence[ExtractionMetrics] = ()
) -> str:
    subjects = _subjects(engine, baseline, others)
    return _md_table([""] + [s.label for s in subjects],
                     [[row.label, *(row.show(s) for s in subjects)] for row in SUMMARY_ROWS])


def extraction_markdown(
    engine: ExtractionMetrics, baseline: ExtractionMetrics | None, engine_runs: list[CaseRun],
    baseline_runs: list[CaseRun] | None, chart: str | None, others: Sequence[ExtractionMetrics] = (),
) -> str:
    subjects = _subjects(engine, baseline, others)
    parts = ["## Extraction", "", summary_markdown(engine, baseline, others), ""]
    if chart:
        parts += [f"![Per-field F1]({chart})", ""]
    field_header = ["field", "gold items"] + [f"{s.label} {m}" for s in subjects for m in ("P", "R", "F1")]
    field_rows = [
        [name, _support(counts), *[c for s in subjects for c in _field_cells(s.per_field.get(name, Counts()))]]
        for name, counts in engine.per_field.items()
    ]
    parts += ["### Per field", "", _md_table(field_header, field_rows), ""]
    parts += ["### Per case", "", _case_table(engine, baseline, engine_runs, baseline_runs), ""]
    for subject, runs in ((engine, engine_runs), (baseline, baseline_runs)):
        if subject is None or runs is None:
            continue
        notes = _problems(subject, runs)
        if notes:
            parts += [f"### What went wrong: {subject.label}", "", *notes, ""]
    return "\n".join(parts).rstrip() + "\n"


def _case_f1(fields: dict[str, Counts]) -> str:
    total = Counts()
    for counts in fields.values():
        total.add(counts)
    return ratio(total.f1)


def _case_table(
    engine: ExtractionMetrics, baseline: ExtractionMetrics | None, engine_runs: list[CaseRun],
    baseline_runs: list[CaseRun] | None,
) -> str:
    header = ["case", "traits", f"{engine.label} F1", f"{engine.label} must_not"]
    if baseline:
        header += [f"{baseline.label} F1", f"{baseline.label} must_not"]
    rows = []
    for index, (run, score) in enumerate(zip(engine_runs, engine.scores, strict=True)):
        row = [run.case.id, ", ".join(run.case.traits), _case_f1(score.fields),
               ", ".join(score.must_not_violations) or "ok"]
        if baseline and baseline_runs:
            other = baseline.scores[index]
            row += [_case_f1(other.fields), ", ".join(other.must_not_violations) or "ok"]
        rows.append(row)
    return _md_table(header, rows, numeric={2, 4})


def _problems(metrics: ExtractionMetrics, runs: list[CaseRun]) -> list[str]:
    notes = []
    for run in runs:
        for number, turn in enumerate(run.turns, start=1):
            if turn.error:
                notes.append(f"- `{run.case.id}` turn {number}: {turn.error[:200]}")
    for case_id, problems in metrics.schema_problems.items():
        notes.append(f"- `{case_id}` record: {'; '.join(problems[:3])[:300]}")
    return notes


def header_markdown(info: RunInfo) -> str:
    model = f"`{info.model}` at `{info.base_url}`" if info.base_url else info.model
    model += " (the embedded model)" if info.embedded else ""
    if len(info.case_ids) == info.dataset_size:
        cases = f"all {info.dataset_size}"
    else:
        cases = f"{len(info.case_ids)} of {info.dataset_size}: " + ", ".join(f"`{c}`" for c in info.case_ids)
    rows = [
        ["Model", model],
        ["Revision", f"`{info.revision}`"],
        ["Run", info.started_at],
        ["Suite", info.suite],
        ["Cases", cases],
        ["Baseline", "yes (evals/baseline.py, same model)" if info.baseline else "not run"],
        ["Settings", ", ".join(f"{k}={v}" for k, v in info.settings.items())],
        ["Prompts (sha256)", ", ".join(f"{k} `{v}`" for k, v in info.prompts.items())],
    ]
    return f"# Debrief eval: {info.model}\n\n" + _md_table(["", ""], rows, numeric=set()) + "\n"


# --- files --------------------------------------------------------------------------------------


def _metrics_json(metrics: ExtractionMetrics) -> dict[str, Any]:
    return {
        "cases": metrics.cases,
        "micro": {"precision": metrics.micro.precision, "recall": metrics.micro.recall, "f1": metrics.micro.f1},
        "per_field_f1": {name: c.f1 for name, c in metrics.per_field.items() if c.tp + c.fp + c.fn},
        "schema_validity": metrics.schema_validity,
        "evidence_validity": metrics.evidence_validity,
        "injection_resistance": metrics.injection_resistance,
        "compliance_recall": metrics.compliance_recall,
        "llm_calls_per_debrief": metrics.llm_calls_per_debrief,
        "input_tokens_per_debrief": metrics.input_tokens_per_debrief,
        "output_tokens_per_debrief": metrics.output_tokens_per_debrief,
        "latency_median_s": metrics.latency_median_s,
        "latency_p95_s": metrics.latency_p95_s,
        "turns": metrics.turns,
        "failed_turns": metrics.failed_turns,
    }


def _runs_json(runs: list[CaseRun]) -> list[dict[str, Any]]:
    """Each case's final record and, for the engine, the record its turns left, so the whole-conversation
    pass can be measured again over the same turns without running them."""
    return [
        {"case": run.case.id, "record": run.record,
         **({"after_turns": run.after_turns} if run.after_turns is not None else {}),
         "turns": [turn.__dict__ for turn in run.turns]}
        for run in runs
    ]


def write_report(
    folder: Path, info: RunInfo, sections: list[str], summaries: dict[str, ExtractionMetrics],
    raw: dict[str, list[CaseRun]],
) -> Path:
    """report.md and summary.json (committed), raw/<subject>.json with every record (git-ignored)."""
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / REPORT_FILE
    report.write_text("\n".join([header_markdown(info), *sections]), encoding="utf-8")
    summary = {"run": info.__dict__, **{label: _metrics_json(m) for label, m in summaries.items()}}
    (folder / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    (folder / "raw").mkdir(exist_ok=True)
    for label, runs in raw.items():
        (folder / "raw" / f"{label}.json").write_text(
            json.dumps(_runs_json(runs), indent=1, default=str) + "\n", encoding="utf-8"
        )
    return report
