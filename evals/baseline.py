"""The naive extractor the engine is measured against: one prompt, one structured call per turn.

Each turn it sends the whole conversation so far (prompts/baseline_extraction.j2) and has the model
write the whole record, every value with its quotes, as JSON bound to the record's schema. No flow, no
evidence gate, no value parsing, no marking of pasted instructions: what the model writes is the record.
Same model, same cases, so the difference is the engine's work.
"""

from __future__ import annotations

import time
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from assistant.core import SIDES, FieldSpec, Kind, ModelOutputInvalid, PromptLibrary, Side, specs_for
from assistant.model import answer_of, structured
from evals.datasets import Case
from evals.runner import CaseRun, TurnStat

ANSWER_NAME = "write_record"
PROMPT = "baseline_extraction.j2"
# The whole record with its quotes is several times longer than the engine's per-turn updates.
MAX_OUTPUT_TOKENS = 1500


def _value_schema(spec: FieldSpec) -> dict[str, Any]:
    if spec.kind is Kind.TEXT_LIST:
        return {"type": "array", "items": {"type": "string"}}
    if spec.kind is Kind.INTEREST:
        return {"type": "integer", "minimum": 1, "maximum": 5}
    if spec.kind is Kind.BOOLEAN:
        return {"type": "boolean"}
    if spec.kind is Kind.CHOICE:
        return {"type": "string", "enum": list(spec.choices)}
    if spec.kind is Kind.MONEY:
        return {"type": "integer"}
    return {"type": "string"}


def record_schema(side: Side) -> dict[str, Any]:
    """The record for one side as a JSON schema: each field an object {value, evidence}, as Record stores it."""
    properties: dict[str, Any] = {}
    for spec in specs_for(side):
        if spec.parent:
            parent = properties.setdefault(spec.parent, {
                "type": "object",
                "properties": {
                    "value": {"type": "object", "properties": {}},
                    "evidence": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["value", "evidence"],
            })
            parent["properties"]["value"]["properties"][spec.name] = {
                **_value_schema(spec), "description": spec.description,
            }
            continue
        properties[spec.name] = {
            "type": "object",
            "description": spec.description,
            "properties": {
                "value": _value_schema(spec),
                "evidence": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["value", "evidence"],
        }
    return {"type": "object", "properties": properties}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def parse_record(args: Any, side: Side) -> dict[str, Any]:
    """The model's arguments as Record-shaped JSON, kept as written: no type coercion, no checks,
    so that schema and evidence validity measure what a naive extractor really stores."""
    if not isinstance(args, dict):
        raise ModelOutputInvalid("the written record is not an object")
    if set(args) == {"fields"} and isinstance(args["fields"], dict):
        args = args["fields"]  # a model that copied Record's own nesting
    fields: dict[str, Any] = {}
    for name, item in args.items():
        if isinstance(item, dict) and "value" in item:
            value, evidence = item["value"], item.get("evidence", [])
        else:
            value, evidence = item, []  # a bare value: the model skipped the {value, evidence} wrapper
        if isinstance(value, dict):
            value = {key: sub for key, sub in value.items() if not _empty(sub)}
        if _empty(value):
            continue
        if isinstance(evidence, str):
            evidence = [evidence]
        fields[name] = {"value": value, "evidence": evidence if isinstance(evidence, list) else [],
                        "source": "chat"}
    return {"kind": side, "fields": fields}


class Baseline:
    label = "baseline"

    def __init__(self, model: BaseChatModel, prompts: PromptLibrary) -> None:
        self._prompts = prompts
        self._bound = {
            side: structured(model, ANSWER_NAME, record_schema(side), MAX_OUTPUT_TOKENS)
            for side in SIDES
        }

    def write_record(self, side: Side, messages: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        """One call over the whole conversation so far; the record and the call's token usage."""
        prompt = self._prompts.render(PROMPT, side=side, specs=specs_for(side), messages=messages)
        reply = self._bound[side].invoke([HumanMessage(prompt.text)])
        return parse_record(answer_of(reply), side), dict(getattr(reply, "usage_metadata", None) or {})

    def run(self, case: Case) -> CaseRun:
        side: Side = case.kind  # type: ignore[assignment]
        record: dict[str, Any] = {"kind": side, "fields": {}}
        turns = []
        for count in range(1, len(case.messages) + 1):
            started = time.perf_counter()
            try:
                record, usage = self.write_record(side, case.messages[:count])
            except Exception as exc:  # a failed turn is a measurement, not a crash
                # Stateless: the next turn rewrites the whole record from the whole conversation anyway.
                turns.append(TurnStat(time.perf_counter() - started, 1, error=f"{type(exc).__name__}: {exc}"))
                continue
            turns.append(TurnStat(
                time.perf_counter() - started, 1,
                int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)),
            ))
        return CaseRun(case, record, turns)


class OneShot(Baseline):
    """The naive extractor run once, at the end, over the whole conversation: what a single prompt gets
    from the finished debrief, the figure the engine's final record has to beat."""

    label = "one-shot"

    def run(self, case: Case) -> CaseRun:
        side: Side = case.kind  # type: ignore[assignment]
        started = time.perf_counter()
        try:
            record, usage = self.write_record(side, case.messages)
        except Exception as exc:  # a failed call is a measurement, not a crash
            return CaseRun(case, {"kind": side, "fields": {}},
                           [TurnStat(time.perf_counter() - started, 1, error=f"{type(exc).__name__}: {exc}")])
        return CaseRun(case, record, [TurnStat(
            time.perf_counter() - started, 1, int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)),
        )])
