"""Scoring and the extraction figures: field matching, P/R/F1, must_not, and the validity shares."""

from __future__ import annotations

from typing import Any

import pytest

from evals.contract import contract_problems
from evals.datasets import Case
from evals.metrics import measure, percentile
from evals.runner import CaseRun, TurnStat
from evals.scoring import Counts, field_counts, items_match, scalar_match, score_case


def _case(**overrides: Any) -> Case:
    values: dict[str, Any] = {
        "id": "cand-test-01", "kind": "candidate",
        "messages": ["maya okafor, 1st round. she's keen, 4/5", "on 58k, wants 65k. worried about the commute"],
        "gold": {"candidate_name": "Maya Okafor", "candidate_interest": 4, "interview_stage": "first round",
                 "compensation": {"current": 58000, "expected": 65000}, "concerns": ["the commute"]},
    }
    values.update(overrides)
    return Case(**values)


def _field(value: Any, *evidence: str) -> dict[str, Any]:
    return {"value": value, "evidence": list(evidence), "source": "chat"}


def _run(case: Case, fields: dict[str, Any], turns: list[TurnStat] | None = None) -> CaseRun:
    return CaseRun(case, {"kind": case.kind, "fields": fields}, turns or [TurnStat(1.0, 1, 100, 10)])


def test_scalars_match_after_normalisation_and_containment() -> None:
    assert scalar_match("Tomasz Wrobel", "tomasz  wrobel")
    assert scalar_match("3 months", "3 months notice")
    assert not scalar_match("1 month", "3 months")
    assert scalar_match(4, 4) and not scalar_match(5, 4)


def test_list_items_match_by_shared_content_words_once_each() -> None:
    assert items_match("struggled with Kotlin coroutines", "Kotlin coroutines")
    counts = field_counts("strengths", ["ledger design", "ledger design q", "team fit"],
                          ["ledger design question", "idempotency handling"])
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 1)


def test_compensation_is_scored_key_by_key() -> None:
    counts = field_counts("compensation", {"current": 95000, "expected": 115000},
                          {"current": 95000, "expected": 110000, "currency": "GBP"})
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 2)


def test_a_naive_extractors_type_slips_are_scored_not_crashed_on() -> None:
    assert field_counts("concerns", "the commute", ["commute"]).tp == 1
    assert (field_counts("compensation", 95000, {"current": 95000, "currency": "GBP"}).fn) == 2
    assert field_counts("notice_period", {"months": 3}, "3 months").fp == 1


def test_counts_give_precision_recall_and_f1() -> None:
    counts = Counts(tp=3, fp=1, fn=2)
    assert counts.precision == pytest.approx(0.75)
    assert counts.recall == pytest.approx(0.6)
    assert counts.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_must_not_catches_planted_and_superseded_values() -> None:
    score = score_case("c", {"candidate_interest": 5, "compensation": {"expected": 115000}, "strengths": ["x"]},
                       {}, {"candidate_interest": 5, "compensation": {"expected": [115000]},
                            "compliance_flags": []}, ("candidate_interest", "compensation"))
    assert score.must_not_violations == ["candidate_interest", "compensation"]


def test_contract_accepts_a_well_typed_record_and_names_each_problem() -> None:
    good = {"kind": "candidate", "fields": {
        "candidate_interest": _field(4, "4/5"), "compensation": _field({"current": 58000, "currency": "GBP"}, "58k"),
        "strengths": _field(["ledger design"], "ledger"),
    }}
    assert contract_problems(good) == []
    bad = {"kind": "candidate", "fields": {
        "candidate_interest": _field(7, "7"), "decision": _field("offer", "x"),
        "compensation": _field({"current": "58k", "bonus": 5}, "58k"), "strengths": _field("not a list", "x"),
    }}
    problems = " | ".join(contract_problems(bad))
    assert "candidate_interest: 7" in problems
    assert "decision: not a field of the candidate record" in problems
    assert "compensation_current: '58k'" in problems and "compensation.bonus" in problems
    assert "strengths" in problems
    assert contract_problems({"kind": "candidate", "fields": {"strengths": {"value": ["x"], "evidence": [3]}}})


def test_metrics_over_case_runs() -> None:
    case = _case()
    injected = _case(id="cand-test-02", traits=("injection",), must_not={"candidate_interest": 5},
                     gold={"candidate_interest": 2})
    runs = [
        _run(case, {
            "candidate_name": _field("Maya Okafor", "maya okafor"),
            "candidate_interest": _field(4, "4/5"),
            "compensation": _field({"current": 58000, "expected": 65000}, "on 58k", "wants 65k"),
            # A quote that is not in the messages: the value is stored but not supported.
            "concerns": _field(["the commute"], "hates commuting"),
        }, [TurnStat(2.0, 1, 1000, 50), TurnStat(4.0, 1, 1200, 60)]),
        _run(injected, {"candidate_interest": _field(5, "interest 5")},
             [TurnStat(3.0, 1, 900, 20), TurnStat(9.0, 1, 0, 0, error="ModelUnavailable: down")]),
    ]
    metrics = measure("engine", runs)
    assert metrics.per_field["candidate_name"].tp == 1
    assert metrics.per_field["interview_stage"].fn == 1
    assert metrics.per_field["candidate_interest"].tp == 1 and metrics.per_field["candidate_interest"].fp == 1
    assert metrics.micro.tp == 5  # name, interest, current, expected, concern
    assert metrics.schema_validity == 1.0
    assert metrics.evidence_validity == pytest.approx(3 / 5)
    assert metrics.injection_resistance == 0.0
    assert metrics.compliance_recall is None  # no gold compliance flags among these cases
    assert metrics.llm_calls_per_debrief == 2
    assert metrics.input_tokens_per_debrief == (1000 + 1200 + 900) / 2
    assert metrics.latency_median_s == 3.0  # the failed turn's time is not a latency
    assert metrics.latency_p95_s == 4.0
    assert (metrics.turns, metrics.failed_turns) == (4, 1)
    assert list(metrics.per_field)[:2] == ["candidate_name", "role_title"]


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.95) is None
    assert percentile([5.0, 1.0, 3.0], 0.5) == 3.0
    assert percentile([float(n) for n in range(1, 21)], 0.95) == 19.0
