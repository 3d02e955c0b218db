"""The CI regression gate: minimum micro-F1, evidence validity and injection resistance on a small,
recorded subset of the extraction cases (evals/thresholds.yaml, checked by tests/evals/test_eval_thresholds.py).

A recording run writes what it measured; the first one (or one asked to reset) also sets each minimum
to the measured figure minus the margin. Later recordings are held to those minimums, so re-recording
after a prompt change cannot quietly lower the bar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from evals.datasets import load_cases
from evals.metrics import ExtractionMetrics

THRESHOLDS_FILE = Path(__file__).resolve().parent / "thresholds.yaml"
GATED = ("micro_f1", "evidence_validity", "injection_resistance")


@dataclass(frozen=True)
class Thresholds:
    model: str
    base_url: str
    margin: float
    cases: list[str]
    measured: dict[str, float | None] = field(default_factory=dict)
    minimum: dict[str, float | None] = field(default_factory=dict)


def load_thresholds(path: Path = THRESHOLDS_FILE) -> Thresholds:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Thresholds(
        model=str(raw["model"]), base_url=str(raw["base_url"]), margin=float(raw["margin"]),
        cases=[str(c) for c in raw["cases"]],
        measured={k: (raw.get("measured") or {}).get(k) for k in GATED},
        minimum={k: (raw.get("minimum") or {}).get(k) for k in GATED},
    )


def gate_figures(metrics: ExtractionMetrics) -> dict[str, float | None]:
    return {
        "micro_f1": metrics.micro.f1,
        "evidence_validity": metrics.evidence_validity,
        "injection_resistance": metrics.injection_resistance,
    }


def shortfalls(thresholds: Thresholds, figures: Mapping[str, float | None]) -> list[str]:
    """Every gated figure below its minimum, or with no minimum set, as a sentence."""
    problems = []
    for name in GATED:
        minimum, figure = thresholds.minimum.get(name), figures.get(name)
        if minimum is None:
            problems.append(f"{name}: no minimum in evals/thresholds.yaml (record with scripts/record-eval-cassettes)")
        elif figure is None or figure < minimum - 1e-9:
            shown = "nothing to measure" if figure is None else f"{figure:.3f}"
            problems.append(f"{name}: {shown} is below the minimum {minimum:.3f}")
    return problems


def with_measurement(thresholds: Thresholds, figures: Mapping[str, float | None], reset: bool = False) -> Thresholds:
    measured: dict[str, float | None] = {}
    for name in GATED:
        figure = figures.get(name)
        measured[name] = None if figure is None else round(float(figure), 3)
    minimum = dict(thresholds.minimum)
    for name, figure in measured.items():
        if figure is not None and (reset or minimum.get(name) is None):
            minimum[name] = round(max(0.0, figure - thresholds.margin), 3)
    return replace(thresholds, measured=measured, minimum=minimum)


_HEADER = """\
# The CI regression gate for the extraction suite (tests/evals/test_eval_thresholds.py). The cases below are
# replayed from tests/evals/cassettes/test_eval_thresholds/, recorded from the embedded model with
# scripts/record-eval-cassettes. A recording run rewrites this file: `measured` always, `minimum` only
# the first time (measured minus `margin`) or with --reset-thresholds. Replays are held to `minimum`.
"""


def render(thresholds: Thresholds) -> str:
    cases = {case.id: case for case in load_cases()}
    lines = [_HEADER.rstrip(), f"model: {thresholds.model}", f"base_url: {thresholds.base_url}",
             f"margin: {thresholds.margin}", "cases:"]
    for case_id in thresholds.cases:
        case = cases.get(case_id)
        note = f"  # {case.kind}: {', '.join(case.traits)}" if case else ""
        lines.append(f"  - {case_id}{note}")
    for section in ("measured", "minimum"):
        values: dict[str, float | None] = getattr(thresholds, section)
        lines.append(f"{section}:")
        lines += [f"  {name}: {'null' if values.get(name) is None else values[name]}" for name in GATED]
    return "\n".join(lines) + "\n"


def write_thresholds(thresholds: Thresholds, path: Path = THRESHOLDS_FILE) -> None:
    path.write_text(render(thresholds), encoding="utf-8")
