"""`applies_when`: when a playbook entry is relevant to a debrief record.

An entry lists conditions; it applies when any one of them holds. A condition is a mapping whose
clauses must all hold:

    applies_when:
      - {decision: reject}                    # a field equals a value (a list field: contains it)
      - {failure_cause: brief_not_qualified}
      - {has: requirement_changes}            # a field is filled in
      - {kind: client, relationship_risk: true}
      - {candidate_interest_max: 2}           # a number at most (…_min: at least)

Field names and choice values are checked against the record schema when the file is read, so a typo
fails the ingest instead of silently never matching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from assistant.core import FIELD_SPECS, SIDES, Kind, Record

FIELDS = {spec.parent or spec.name for spec in FIELD_SPECS}
CHOICES = {spec.name: spec.choices for spec in FIELD_SPECS if spec.kind is Kind.CHOICE}
NUMERIC = {spec.name for spec in FIELD_SPECS if spec.kind is Kind.INTEREST}


@dataclass(frozen=True)
class Clause:
    op: str  # kind | has | eq | max | min
    field: str
    value: Any = None

    def holds(self, record: Record) -> bool:
        if self.op == "kind":
            return record.kind == self.value
        if self.op == "has":
            return record.is_filled(self.field)
        actual = record.value(self.field)
        if actual is None:
            return False
        if self.op == "eq":
            if isinstance(actual, list):
                return self.value in actual
            return bool(actual == self.value)
        try:
            number = float(actual)
        except (TypeError, ValueError):
            return False
        return number <= self.value if self.op == "max" else number >= self.value

    def describe(self) -> str:
        if self.op == "kind":
            return f"a {self.value} debrief"
        if self.op == "has":
            return f"{self.field} recorded"
        if self.op == "max":
            return f"{self.field} at most {self.value:g}"
        if self.op == "min":
            return f"{self.field} at least {self.value:g}"
        value = json.dumps(self.value) if isinstance(self.value, bool) else self.value
        return f"{self.field} is {value}"


Condition = tuple[Clause, ...]
DESCRIPTIONS = {spec.parent or spec.name: spec.description for spec in FIELD_SPECS}


def in_words(conditions: tuple[Condition, ...]) -> str:
    """Conditions as the record's own field descriptions put them ("warning signs: wavering motivation,
    ..."), not as field names: words that a search for the situation can meet. Several values of one
    field are listed once ("why the interview failed, when it did: brief not qualified or client changed
    requirements")."""
    # (words, values): a condition already in words, or a field's description and the values listed.
    parts: list[tuple[str, list[str]]] = []
    values: dict[str, list[str]] = {}
    for condition in conditions:
        [clause, *more] = condition
        if more or clause.op != "eq" or isinstance(clause.value, bool):
            parts.append((" and ".join(_clause_in_words(c) for c in condition), []))
        elif clause.field in values:
            values[clause.field].append(_value_in_words(clause.value))
        else:
            values[clause.field] = [_value_in_words(clause.value)]
            parts.append((_about(clause.field), values[clause.field]))
    return "; ".join(f"{words}: {_listed(listed)}" if listed else words for words, listed in parts)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _about(field: str) -> str:
    return DESCRIPTIONS.get(field, field.replace("_", " "))


def _value_in_words(value: Any) -> str:
    return str(value).replace("_", " ")


def _clause_in_words(clause: Clause) -> str:
    if clause.op == "kind":
        return clause.describe()  # already in words: "a client debrief"
    about = _about(clause.field)
    if clause.op == "has":
        return about
    if clause.op in ("max", "min"):
        return f"{about}: {'at most' if clause.op == 'max' else 'at least'} {clause.value:g}"
    if isinstance(clause.value, bool):
        # Yes-or-no fields are described as "true when ..." or "whether ...": the rest is the situation.
        situation = about.removeprefix("true when ").removeprefix("whether ")
        return situation if clause.value else f"not {situation}"
    return f"{about}: {_value_in_words(clause.value)}"


def parse_conditions(raw: Any) -> tuple[Condition, ...]:
    if raw in (None, [], {}):
        return ()
    items = raw if isinstance(raw, list) else [raw]
    conditions: list[Condition] = []
    for item in items:
        if not isinstance(item, dict) or not item:
            raise ValueError(f"applies_when: each condition is a non-empty mapping, not {item!r}")
        conditions.append(tuple(_clause(str(key), value) for key, value in item.items()))
    return tuple(conditions)


def _clause(key: str, value: Any) -> Clause:
    if key == "kind":
        if value not in SIDES:
            raise ValueError(f"applies_when: kind must be one of {', '.join(SIDES)}, not {value!r}")
        return Clause("kind", "kind", value)
    if key == "has":
        _known(str(value))
        return Clause("has", str(value))
    for suffix, op in (("_max", "max"), ("_min", "min")):
        if key.endswith(suffix) and key[: -len(suffix)] in NUMERIC:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"applies_when: {key} needs a number, not {value!r}")
            return Clause(op, key[: -len(suffix)], float(value))
    _known(key)
    if key in CHOICES and value not in CHOICES[key]:
        raise ValueError(f"applies_when: {key} is one of {', '.join(CHOICES[key])}, not {value!r}")
    return Clause("eq", key, value)


def _known(field: str) -> None:
    if field not in FIELDS:
        raise ValueError(f"applies_when: no record field {field!r}")


def matching(conditions: tuple[Condition, ...], record: Record) -> Condition | None:
    """The first condition that holds for the record, or None."""
    return next((c for c in conditions if all(clause.holds(record) for clause in c)), None)


def describe(condition: Condition) -> str:
    return " and ".join(clause.describe() for clause in condition)


def is_broad(condition: Condition) -> bool:
    """A condition on the side alone holds from the first turn of every debrief of that side; such
    entries come after the ones the record itself points to."""
    return all(clause.op == "kind" for clause in condition)


def dump_conditions(conditions: tuple[Condition, ...]) -> str:
    """Chroma metadata holds scalars only: the conditions travel as JSON text."""
    return json.dumps([{c.op + ":" + c.field: c.value for c in condition} for condition in conditions])


def load_conditions(text: str | None) -> tuple[Condition, ...]:
    if not text:
        return ()
    out: list[Condition] = []
    for item in json.loads(text):
        out.append(tuple(Clause(key.split(":", 1)[0], key.split(":", 1)[1], value) for key, value in item.items()))
    return tuple(out)
