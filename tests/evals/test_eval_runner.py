"""The engine as an eval subject: the product's own turn path, its usage per turn, and a failed turn."""

from __future__ import annotations

from pathlib import Path

from assistant.core.settings import Settings
from evals.datasets import Case
from evals.runner import Engine, run_cases
from tests.support.fakes import ScriptedChatModel, update

CASE = Case(
    id="cand-test-01", kind="candidate",
    messages=["maya okafor, 1st round. keen, 4/5", "sorry, more like a 3", "she's on 58k"],
    gold={"candidate_name": "Maya Okafor", "candidate_interest": 3},
)


def test_each_message_is_a_turn_of_the_engine_with_its_usage(tmp_path: Path) -> None:
    model = ScriptedChatModel(script=[
        [update("candidate_name", "", "maya okafor"), update("candidate_interest", "4", "4/5")],
        [update("candidate_interest", "3", "more like a 3")],
        [update("compensation_current", "58k", "on 58k")],
    ])
    engine = Engine(model, Settings(storage={"data_dir": tmp_path}))
    progress: list[tuple[str, int, int, str]] = []
    [run] = run_cases(engine, [CASE], lambda *args: progress.append(args))
    engine.close()
    assert progress == [("engine", 1, 1, "cand-test-01")]
    assert run.values == {"candidate_name": "Maya Okafor", "candidate_interest": 3,
                          "compensation": {"current": 58000}}
    assert run.fields["candidate_interest"]["evidence"] == ["more like a 3"]
    turns = run.turns_only().turns
    assert [turn.llm_calls for turn in turns] == [1, 1, 1]
    assert all(turn.input_tokens > 0 and turn.output_tokens > 0 and turn.error is None for turn in turns)
    # Then the whole-conversation pass, once, with its own cost; it found nothing the turns had missed.
    assert run.refinement is run.turns[-1] and run.refinement is not None
    assert run.refinement.llm_calls == 1 and run.refinement.input_tokens > 0
    assert run.after_turns == run.record


def test_a_failed_turn_ends_the_case_with_the_record_so_far(tmp_path: Path) -> None:
    calls = iter([[update("candidate_interest", "4", "4/5")]])

    def script(messages: object) -> list[dict[str, str]]:
        answer = next(calls, None)
        if answer is None:
            raise ConnectionError("endpoint down")
        return answer

    engine = Engine(ScriptedChatModel(script=script), Settings(storage={"data_dir": tmp_path}))
    run = engine.run(CASE)
    engine.close()
    assert len(run.turns) == 2  # the third message is never read: the second still waits for a retry
    assert run.turns[1].error is not None and run.turns[1].error.startswith("ModelUnavailable")
    assert run.values == {"candidate_interest": 4}
