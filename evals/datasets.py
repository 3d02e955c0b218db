"""Load the labelled debrief cases from evals/datasets/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATASETS = Path(__file__).resolve().parent / "datasets"


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    messages: list[str]
    gold: dict[str, Any]
    must_not: dict[str, Any] = field(default_factory=dict)
    traits: tuple[str, ...] = ()
    interview: str | None = None


def load_cases(folder: Path = DATASETS / "extraction", ids: list[str] | None = None) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        case = Case(
            id=raw["id"], kind=raw["kind"], messages=[str(m) for m in raw["messages"]],
            gold=raw.get("gold") or {}, must_not=raw.get("must_not") or {},
            traits=tuple(raw.get("traits") or ()), interview=raw.get("interview"),
        )
        if ids is None or case.id in ids:
            cases.append(case)
    return cases


@dataclass(frozen=True)
class DraftFixture:
    """A stored debrief record to write drafts from, with the job spec a revision starts from."""

    name: str
    kind: str
    record: dict[str, Any]
    original_spec: str


def load_draft_fixture(name: str = "platform-engineer") -> DraftFixture:
    raw = yaml.safe_load((DATASETS / "drafts" / f"{name}.yaml").read_text(encoding="utf-8"))
    return DraftFixture(name, raw["kind"], raw["record"], raw["original_spec"])
