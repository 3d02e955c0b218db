"""Reconciliation eval: does comparing the two sides of an interview find the mismatches a recruiter would?

    python -m evals.reconciliation [--verbose] [--json]

Each case in evals/datasets/reconciliation/*.yaml holds both sides' gold records (the extraction set's
format; a side may be null when it was not debriefed) and the mismatches a careful recruiter sees
between them, as kind and field. The records are the gold ones, not a model's, so the figures measure
the reconciliation rules alone. A mismatch is found when the reconciliation reports an entry of that
kind on that field; several entries of one kind and field count once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from assistant.core import FieldValue, Record, Side, record_field_names
from assistant.interviews import MismatchKind, reconcile
from evals.scoring import Counts

DATASET = Path(__file__).resolve().parent / "datasets" / "reconciliation"

Finding = tuple[str, str]  # (kind, field)


@dataclass(frozen=True)
class PairCase:
    id: str
    candidate: dict[str, Any] | None
    client: dict[str, Any] | None
    expected: frozenset[Finding]
    held_on: dt.date | None = None
    traits: tuple[str, ...] = ()


def record_from_gold(side: Side, gold: dict[str, Any]) -> Record:
    """A gold record (field name to value) as the engine stores one. Gold records carry no quotes."""
    allowed = record_field_names(side)
    unknown = sorted(set(gold) - set(allowed))
    if unknown:
        raise ValueError(f"{side} gold record has fields of the other side or unknown ones: {unknown}")
    return Record(kind=side, fields={name: FieldValue(value=value) for name, value in gold.items()})


def load_cases(folder: Path = DATASET) -> list[PairCase]:
    kinds = {kind.value for kind in MismatchKind}
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if raw["id"] != path.stem:
            raise ValueError(f"{path.name}: id {raw['id']!r} does not match the file name")
        expected = frozenset((str(m["kind"]), str(m["field"])) for m in raw.get("mismatches") or [])
        if bad := sorted(k for k, _ in expected if k not in kinds):
            raise ValueError(f"{path.name}: unknown mismatch kinds {bad}")
        held_on = raw.get("date")
        cases.append(PairCase(
            id=raw["id"], candidate=raw.get("candidate"), client=raw.get("client"), expected=expected,
            held_on=held_on if isinstance(held_on, dt.date) else None, traits=tuple(raw.get("traits") or ()),
        ))
    return cases


@dataclass(frozen=True)
class CaseResult:
    case: PairCase
    found: frozenset[Finding]

    @property
    def missed(self) -> frozenset[Finding]:
        return self.case.expected - self.found

    @property
    def spurious(self) -> frozenset[Finding]:
        return self.found - self.case.expected


def run_case(case: PairCase) -> CaseResult:
    candidate = record_from_gold("candidate", case.candidate) if case.candidate is not None else None
    client = record_from_gold("client", case.client) if case.client is not None else None
    result = reconcile(candidate, client, case.held_on)
    return CaseResult(case, frozenset((m.kind.value, m.field) for m in result.mismatches))


def score(results: list[CaseResult]) -> tuple[Counts, dict[str, Counts]]:
    """Micro-averaged counts over every case, and the same per mismatch kind."""
    overall = Counts()
    per_kind: dict[str, Counts] = {kind.value: Counts() for kind in MismatchKind}
    for result in results:
        for finding in result.found | result.case.expected:
            counts = Counts(
                tp=int(finding in result.found and finding in result.case.expected),
                fp=int(finding in result.spurious), fn=int(finding in result.missed),
            )
            overall.add(counts)
            per_kind[finding[0]].add(counts)
    return overall, per_kind


def agreeing_clean(results: list[CaseResult]) -> float:
    """Share of the cases with no gold mismatch where none was reported either."""
    agreeing = [r for r in results if not r.case.expected]
    return sum(1 for r in agreeing if not r.found) / len(agreeing) if agreeing else 1.0


def table(overall: Counts, per_kind: dict[str, Counts], cases: int) -> Table:
    grid = Table(title=f"Reconciliation: {cases} interviews, gold records on both sides")
    for column in ("mismatch kind", "gold", "found", "precision", "recall", "F1"):
        grid.add_column(column, justify="left" if column == "mismatch kind" else "right")
    rows = [*per_kind.items(), ("all kinds (micro)", overall)]
    for name, c in rows:
        grid.add_row(name, str(c.tp + c.fn), str(c.tp + c.fp), f"{c.precision:.3f}", f"{c.recall:.3f}",
                     f"{c.f1:.3f}", end_section=name == rows[-2][0])
    return grid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every missed and spurious mismatch")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    results = [run_case(case) for case in load_cases()]
    overall, per_kind = score(results)
    if args.json:
        print(json.dumps({
            "cases": len(results), "precision": round(overall.precision, 4), "recall": round(overall.recall, 4),
            "f1": round(overall.f1, 4), "agreeing_clean": round(agreeing_clean(results), 4),
            "per_kind": {k: {"precision": round(c.precision, 4), "recall": round(c.recall, 4)}
                         for k, c in per_kind.items()},
        }))
        return 0
    console = Console()
    console.print(table(overall, per_kind, len(results)))
    console.print(f"agreeing interviews reported clean: {agreeing_clean(results):.2f}")
    if args.verbose:
        for result in results:
            for kind, name in sorted(result.missed):
                console.print(f"{result.case.id}: missed {kind} on {name}")
            for kind, name in sorted(result.spurious):
                console.print(f"{result.case.id}: spurious {kind} on {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
