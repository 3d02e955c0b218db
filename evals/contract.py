"""Schema validity: does a record validate as assistant.schema.Record and keep the field contract?

The contract is what the API promises (README "The record"): only this side's fields, each value of
its field's type and range, compensation as whole numbers plus an ISO currency code.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from assistant.core import FieldSpec, Kind, Record, record_field_names, specs_for

_ISO_CURRENCY = re.compile(r"[A-Z]{3}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def value_problem(spec: FieldSpec, value: Any) -> str | None:
    kind = spec.kind
    if kind is Kind.TEXT:
        ok = isinstance(value, str) and bool(value.strip())
    elif kind is Kind.TEXT_LIST:
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    elif kind is Kind.INTEREST:
        ok = _is_int(value) and 1 <= value <= 5
    elif kind is Kind.BOOLEAN:
        ok = isinstance(value, bool)
    elif kind is Kind.CHOICE:
        ok = value in spec.choices
    elif kind is Kind.MONEY:
        ok = _is_int(value) and value > 0
    else:  # Kind.CURRENCY
        ok = isinstance(value, str) and bool(_ISO_CURRENCY.fullmatch(value))
    return None if ok else f"{spec.key}: {value!r} is not a valid {kind.value}"


def contract_problems(record: Any) -> list[str]:
    """Everything wrong with a record, empty when it is valid."""
    try:
        parsed = Record.model_validate(record)
    except ValidationError as exc:
        first = exc.errors()[0]
        return [f"not a Record: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}"]
    allowed = record_field_names(parsed.kind)
    specs = specs_for(parsed.kind)
    top = {spec.name: spec for spec in specs if spec.parent is None}
    problems = []
    for name, item in parsed.fields.items():
        if name not in allowed:
            problems.append(f"{name}: not a field of the {parsed.kind} record")
            continue
        if name in top:
            problem = value_problem(top[name], item.value)
            if problem:
                problems.append(problem)
            continue
        # A parent object such as compensation: its keys are the sub-fields.
        subs = {spec.name: spec for spec in specs if spec.parent == name}
        if not isinstance(item.value, dict):
            problems.append(f"{name}: {item.value!r} is not an object")
            continue
        for key, sub_value in item.value.items():
            if key not in subs:
                problems.append(f"{name}.{key}: not a key of {name}")
            elif problem := value_problem(subs[key], sub_value):
                problems.append(problem)
    return problems
