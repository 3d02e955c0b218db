"""Compare an extracted record with a gold record, field by field.

Scalars match after light normalisation (case, spacing, punctuation); list items match when they
share most of their content words, since two people never phrase "struggled with Kotlin coroutines"
the same way; each gold item can be matched once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_STOP = {
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "is", "was", "be",
    "his", "her", "their", "he", "she", "they", "it", "as", "from", "about", "that", "this", "very", "s",
}


def _words(text: Any) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", str(text).lower()) if w not in _STOP}


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(re.findall(r"[a-z0-9]+", value.lower()))
    return value


def items_match(predicted: Any, gold: Any, threshold: float = 0.5) -> bool:
    """Two phrases match when the smaller shares at least `threshold` of its content words."""
    a, b = _words(predicted), _words(gold)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold


def scalar_match(predicted: Any, gold: Any) -> bool:
    if isinstance(gold, str) and isinstance(predicted, str):
        p, g = _norm(predicted), _norm(gold)
        # "3 months" vs "three months notice", "Tomasz Wrobel" vs "Tomasz": containment either way counts.
        return p == g or (bool(p) and bool(g) and (p in g or g in p)) or items_match(predicted, gold, 0.75)
    return predicted == gold


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _list_counts(predicted: list[Any], gold: list[Any]) -> Counts:
    unmatched = list(gold)
    counts = Counts()
    for item in predicted:
        hit = next((g for g in unmatched if items_match(item, g)), None)
        if hit is None:
            counts.fp += 1
        else:
            unmatched.remove(hit)
            counts.tp += 1
    counts.fn = len(unmatched)
    return counts


def field_counts(name: str, predicted: Any, gold: Any) -> Counts:
    if gold is None and predicted in (None, [], {}):
        return Counts()
    if isinstance(gold, list) or isinstance(predicted, list):
        # A lone phrase where a list belongs (a naive extractor's slip) is read as a one-item list.
        items = predicted if isinstance(predicted, list) else [] if predicted in (None, "") else [predicted]
        return _list_counts(items, gold if isinstance(gold, list) else [] if gold is None else [gold])
    if isinstance(gold, dict) and predicted is not None and not isinstance(predicted, dict):
        # "95000" where {current, expected, ...} belongs: every gold key is missed, the value is wrong.
        return Counts(fp=1, fn=len(gold))
    if isinstance(predicted, dict) and gold is not None and not isinstance(gold, dict):
        return Counts(fp=1, fn=1)
    if isinstance(gold, dict) or isinstance(predicted, dict):
        counts = Counts()
        for key in set(gold or {}) | set(predicted or {}):
            counts.add(field_counts(f"{name}.{key}", (predicted or {}).get(key), (gold or {}).get(key)))
        return counts
    if predicted is None:
        return Counts(fn=1)
    if gold is None:
        return Counts(fp=1)
    return Counts(tp=1) if scalar_match(predicted, gold) else Counts(fp=1, fn=1)


@dataclass
class CaseScore:
    case_id: str
    fields: dict[str, Counts] = field(default_factory=dict)
    must_not_violations: list[str] = field(default_factory=list)


def _violates(predicted: Any, forbidden: Any) -> bool:
    if predicted in (None, [], {}):
        return False
    if isinstance(forbidden, dict):
        return any(_violates((predicted or {}).get(k), v) for k, v in forbidden.items()) if isinstance(
            predicted, dict) else False
    if forbidden == []:
        return bool(predicted)
    options = forbidden if isinstance(forbidden, list) else [forbidden]
    values = predicted if isinstance(predicted, list) else [predicted]
    if isinstance(predicted, list):
        return any(items_match(v, o) for v in values for o in options)
    return any(scalar_match(predicted, o) for o in options)


def score_case(case_id: str, predicted: dict[str, Any], gold: dict[str, Any], must_not: dict[str, Any],
               field_names: tuple[str, ...]) -> CaseScore:
    score = CaseScore(case_id)
    for name in field_names:
        score.fields[name] = field_counts(name, predicted.get(name), gold.get(name))
    for name, forbidden in (must_not or {}).items():
        if _violates(predicted.get(name), forbidden):
            score.must_not_violations.append(name)
    return score
