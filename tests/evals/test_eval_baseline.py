"""The naive baseline extractor: its tool schema, how its whole-record answers are read, and its turns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import BaseMessage

from assistant.core.errors import ModelOutputInvalid
from assistant.core.prompts import PromptLibrary
from assistant.core.settings import Settings
from evals.baseline import Baseline, parse_record, record_schema
from evals.datasets import Case
from tests.support.fakes import ScriptedChatModel

CASE = Case(
    id="cand-test-01", kind="candidate",
    messages=["maya okafor, 1st round", "she's keen, 4/5", "sorry, more like a 3"],
    gold={"candidate_name": "Maya Okafor", "candidate_interest": 3},
)


def test_the_schema_is_the_whole_record_of_one_side() -> None:
    parameters = record_schema("candidate")["properties"]
    assert "decision" not in parameters and "candidate_interest" in parameters
    interest = parameters["candidate_interest"]
    assert interest["required"] == ["value", "evidence"]
    assert interest["properties"]["value"] == {"type": "integer", "minimum": 1, "maximum": 5}
    compensation = parameters["compensation"]["properties"]["value"]["properties"]
    assert set(compensation) == {"current", "expected", "budget_max", "currency"}
    client = record_schema("client")["properties"]
    assert client["decision"]["properties"]["value"]["enum"] == ["advance", "hold", "reject", "offer", "undecided"]


def test_answers_are_kept_as_written_without_empty_fields() -> None:
    record = parse_record({
        "candidate_name": {"value": "Maya Okafor", "evidence": ["maya okafor"]},
        "candidate_interest": {"value": "4", "evidence": "4/5"},  # wrong type and a bare quote: kept as is
        "strengths": {"value": [], "evidence": []},
        "notice_period": {"value": None, "evidence": []},
        "compensation": {"value": {"current": 58000, "expected": None}, "evidence": ["58k"]},
        "red_flags": ["counter-offer risk"],  # no {value, evidence} wrapper
    }, "candidate")
    assert record["kind"] == "candidate"
    fields = record["fields"]
    assert set(fields) == {"candidate_name", "candidate_interest", "compensation", "red_flags"}
    assert fields["candidate_interest"] == {"value": "4", "evidence": ["4/5"], "source": "chat"}
    assert fields["compensation"]["value"] == {"current": 58000}
    assert fields["red_flags"] == {"value": ["counter-offer risk"], "evidence": [], "source": "chat"}
    assert parse_record({"fields": {"company": {"value": "Lumen", "evidence": []}}}, "client")["fields"]["company"]


def test_an_answer_that_is_not_an_object_is_invalid() -> None:
    with pytest.raises(ModelOutputInvalid):
        parse_record(["not", "a", "record"], "candidate")


def test_each_turn_rewrites_the_record_from_the_whole_conversation() -> None:
    seen: list[list[BaseMessage]] = []

    def script(messages: list[BaseMessage]) -> dict[str, Any]:
        seen.append(messages)
        turn = len(seen)
        if turn == 2:
            return {"candidate_interest": {"value": 4, "evidence": ["4/5"]}}
        return {"candidate_name": {"value": "Maya Okafor", "evidence": ["maya okafor"]},
                **({"candidate_interest": {"value": 3, "evidence": ["more like a 3"]}} if turn == 3 else {})}

    run = Baseline(ScriptedChatModel(script=script), PromptLibrary(Settings().content.prompts_dir)).run(CASE)
    assert len(seen) == 3 and len(run.turns) == 3
    prompts = [str(messages[-1].content) for messages in seen]
    assert "maya okafor, 1st round" in prompts[0] and "4/5" not in prompts[0]
    assert all(text in prompts[2] for text in CASE.messages)
    assert run.values == {"candidate_name": "Maya Okafor", "candidate_interest": 3}
    assert all(turn.llm_calls == 1 and turn.input_tokens > 0 for turn in run.turns)


def test_a_failed_turn_is_counted_and_the_next_one_starts_afresh() -> None:
    answers: Iterator[Exception | dict[str, Any]] = iter(
        [ValueError("not JSON"), {"candidate_name": {"value": "Maya", "evidence": ["maya"]}}]
    )

    def script(messages: list[BaseMessage]) -> dict[str, Any]:
        answer = next(answers, {"candidate_interest": {"value": 3, "evidence": ["a 3"]}})
        if isinstance(answer, Exception):
            raise answer
        return answer

    run = Baseline(ScriptedChatModel(script=script), PromptLibrary(Settings().content.prompts_dir)).run(CASE)
    assert run.turns[0].error == "ValueError: not JSON"
    assert [turn.error for turn in run.turns[1:]] == [None, None]
    assert run.values == {"candidate_interest": 3}


def test_the_one_shot_baseline_reads_the_whole_conversation_once(tmp_path: Any) -> None:
    from evals.baseline import OneShot

    model = ScriptedChatModel(script=[{"candidate_interest": {"value": 3, "evidence": ["more like a 3"]}}])
    run = OneShot(model, PromptLibrary(Settings(storage={"data_dir": tmp_path}).content.prompts_dir)).run(CASE)
    assert len(model.calls) == 1 and len(run.turns) == 1 and run.turns[0].llm_calls == 1
    prompt = str(model.calls[0][0].content)
    assert all(message in prompt for message in CASE.messages)
    assert run.values == {"candidate_interest": 3}
