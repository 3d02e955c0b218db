"""Compliance lint eval: does the lint raise what a careful reviewer would, and nothing else?

    python -m evals.lint [--verbose] [PATH ...]

Each labelled sentence (evals/datasets/lint/*.yaml) is linted (with job_spec as labelled), and the rules
found are compared with the rules expected, per sentence: a rule expected and found is a true positive
however many spans it found. Prints precision, recall and F1 per rule and overall (micro) for each file
and for all together; --verbose lists every sentence where the lint and the label disagree. No model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rich.console import Console, RenderableType
from rich.table import Table

from assistant.compliance import RULES, lint

DATASET = Path(__file__).resolve().parent / "datasets" / "lint"


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str
    expect: frozenset[str]
    job_spec: bool = False


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Disagreement:
    sentence: Sentence
    missed: frozenset[str]
    extra: frozenset[str]


@dataclass
class LintScore:
    name: str
    sentences: int = 0
    per_rule: dict[str, Counts] = field(default_factory=lambda: {rule: Counts() for rule in RULES})
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        return Counts(sum(c.tp for c in self.per_rule.values()), sum(c.fp for c in self.per_rule.values()),
                      sum(c.fn for c in self.per_rule.values()))

    def protected(self) -> Counts:
        """The blocking rules only: what stops a draft from going out."""
        chosen = [c for rule, c in self.per_rule.items() if rule.startswith("protected.")]
        return Counts(sum(c.tp for c in chosen), sum(c.fp for c in chosen), sum(c.fn for c in chosen))


def load_sentences(path: Path) -> list[Sentence]:
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    sentences = []
    for file in files:
        for raw in yaml.safe_load(file.read_text(encoding="utf-8"))["sentences"]:
            unknown = set(raw["expect"]) - set(RULES)
            if unknown:
                raise ValueError(f"{file.name}: {raw['id']}: unknown rules {sorted(unknown)}")
            sentences.append(Sentence(str(raw["id"]), str(raw["text"]), frozenset(raw["expect"]),
                                      bool(raw.get("job_spec", False))))
    return sentences


def score(sentences: Iterable[Sentence], name: str) -> LintScore:
    result = LintScore(name)
    for sentence in sentences:
        result.sentences += 1
        found = frozenset(f.rule for f in lint(sentence.text, job_spec=sentence.job_spec))
        for rule, counts in result.per_rule.items():
            expected, got = rule in sentence.expect, rule in found
            counts.tp += expected and got
            counts.fp += got and not expected
            counts.fn += expected and not got
        if found != sentence.expect:
            result.disagreements.append(Disagreement(sentence, sentence.expect - found, found - sentence.expect))
    return result


def score_lint(path: Path = DATASET) -> LintScore:
    """Score the lint on one labelled file, or on every file of a folder together."""
    return score(load_sentences(path), path.stem if path.is_file() else "all")


# --- what a report shows (rich tables for the terminal, markdown for report.md) ---------------------


def _label(rule: str) -> str:
    category = RULES[rule].category
    return f"{category} ({rule.rsplit('.', 1)[1]})" if rule.startswith("gender_coded.") else category


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _rows(result: LintScore) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for rule, c in result.per_rule.items():
        rows.append((_label(rule), str(c.tp + c.fn), str(c.tp), str(c.fp), str(c.fn),
                     _share(c.precision), _share(c.recall), _share(c.f1)))
    for title, c in (("protected (blocking)", result.protected()), ("overall", result.overall)):
        rows.append((title, str(c.tp + c.fn), str(c.tp), str(c.fp), str(c.fn),
                     _share(c.precision), _share(c.recall), _share(c.f1)))
    return rows


_COLUMNS = ("category", "expected", "TP", "FP", "FN", "precision", "recall", "F1")


def lint_table(result: LintScore) -> Table:
    table = Table(title=f"Compliance lint: {result.name} ({result.sentences} sentences)")
    for n, column in enumerate(_COLUMNS):
        table.add_column(column, justify="left" if n == 0 else "right")
    rows = _rows(result)
    for n, row in enumerate(rows):
        table.add_row(*row, end_section=n == len(rows) - 3)
    return table


def lint_markdown(result: LintScore) -> str:
    lines = [f"### Compliance lint: {result.name} ({result.sentences} sentences)", "",
             "| " + " | ".join(_COLUMNS) + " |", "|---" + "|---:" * (len(_COLUMNS) - 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(result)]
    return "\n".join(lines) + "\n"


@dataclass
class LintSection:
    """The lint's part of a `drafts` suite run: tables for the terminal and a section of report.md."""

    scores: list[LintScore]
    tables: list[RenderableType]
    markdown: str


def lint_section(folder: Path = DATASET) -> LintSection:
    """Every labelled file on its own, then all together; needs no model."""
    files = sorted(folder.glob("*.yaml"))
    scores = [score_lint(file) for file in files]
    if len(files) > 1:
        scores.append(score_lint(folder))
    markdown = "## Compliance lint\n\n" + "\n".join(lint_markdown(s) for s in scores)
    return LintSection(scores, [lint_table(s) for s in scores], markdown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="labelled files (default: evals/datasets/lint/)")
    parser.add_argument("--verbose", action="store_true", help="list the sentences where lint and label disagree")
    args = parser.parse_args(argv)

    console = Console()
    if args.paths:
        scores = [score_lint(path) for path in args.paths]
        tables: list[RenderableType] = [lint_table(s) for s in scores]
    else:
        section = lint_section()
        scores, tables = section.scores, section.tables
    for table in tables:
        console.print(table)
    if args.verbose:
        # Without paths the last score covers every file, so each disagreement is listed once.
        for result in scores if args.paths else scores[-1:]:
            for d in result.disagreements:
                console.print(f"{d.sentence.id}: missed {sorted(d.missed)}, extra {sorted(d.extra)}: "
                              f"{d.sentence.text}", markup=False, highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
