"""The two sides of one interview compared: agreement, each kind of mismatch, a missing side, and the eval gate."""

from datetime import date
from typing import Any

import pytest

from assistant.core import notice_days
from assistant.core.schema import FieldValue, Record
from assistant.interviews.availability import start_window
from assistant.interviews.reconciliation import Mismatch, MismatchKind, reconcile
from evals import reconciliation as evaluation


def _record(kind: str, **fields: Any) -> Record:
    """A record whose every value rests on a quote naming the field, so evidence can be traced back."""
    return Record(kind=kind, fields={  # type: ignore[arg-type]
        name: FieldValue(value=value, evidence=[f"{name} quote"]) for name, value in fields.items()
    })


def _agreeing_pair() -> tuple[Record, Record]:
    candidate = _record(
        "candidate", candidate_name="Tomasz Wrobel", company="Clearmint", candidate_interest=4,
        strengths=["ledger design question"], weak_areas=["Kotlin coroutines"], notice_period="1 month",
        compensation={"current": 95000, "expected": 110000, "budget_max": 120000, "currency": "GBP"},
        next_steps=["final round with the CTO next week"],
    )
    client = _record(
        "client", candidate_name="Tomasz", company="Clearmint", decision="advance",
        strengths=["clear double-entry ledger walkthrough"], concerns=["limited Kotlin experience"],
        next_steps=["final with CTO next week", "start within 6 weeks"],
    )
    return candidate, client


def test_an_agreeing_pair_has_no_mismatches() -> None:
    result = reconcile(*_agreeing_pair())
    assert result.missing_side is None
    assert result.mismatches == []


def _found(mismatches: list[Mismatch], kind: MismatchKind) -> Mismatch:
    matching = [m for m in mismatches if m.kind == kind]
    assert matching, f"no {kind} among {[m.kind for m in mismatches]}"
    return matching[0]


def test_a_conflicting_pair_reports_each_kind_with_both_sides_quotes() -> None:
    candidate = _record(
        "candidate", candidate_name="Marcus Ibe", candidate_interest=5, notice_period="3 months",
        strengths=["system design for the payments platform"], weak_areas=["hiring plan questions"],
        compensation={"expected": 130000, "budget_max": 115000, "currency": "GBP"},
        requirement_changes=["four office days, not hybrid"], next_steps=["expects second round invite this week"],
    )
    client = _record(
        "client", candidate_name="Marcus", decision="reject",
        strengths=["clear answers on hiring plans"], concerns=["system design too shallow for lead level"],
        requirement_changes=["must manage the data team as well"],
        next_steps=["needs someone in post within 4 weeks"],
    )
    result = reconcile(candidate, client)
    found = {(m.kind, m.field) for m in result.mismatches}
    assert found == {
        (MismatchKind.INTEREST_VS_DECISION, "decision"),
        (MismatchKind.SELF_ASSESSMENT, "strengths"),
        (MismatchKind.SELF_ASSESSMENT, "weak_areas"),
        (MismatchKind.PAY_VS_BUDGET, "compensation.expected"),
        (MismatchKind.NOTICE_VS_START, "notice_period"),
        (MismatchKind.REQUIREMENT_CHANGE, "requirement_changes"),
        (MismatchKind.NEXT_STEPS_CONFLICT, "next_steps"),
    }

    interest = _found(result.mismatches, MismatchKind.INTEREST_VS_DECISION)
    assert interest.severity == "high" and "5/5" in interest.summary and "rejected" in interest.summary
    assert {(e.side, e.field, tuple(e.quotes)) for e in interest.evidence} == {
        ("candidate", "candidate_interest", ("candidate_interest quote",)),
        ("client", "decision", ("decision quote",)),
    }

    strengths = next(m for m in result.mismatches if m.field == "strengths")
    assert strengths.severity == "high"  # praise the client withheld, in a rejection
    assert {e.side for e in strengths.evidence} == {"candidate", "client"}
    assert "system design too shallow" in strengths.summary

    pay = _found(result.mismatches, MismatchKind.PAY_VS_BUDGET)
    assert pay.summary == ("The candidate expects GBP 130,000, GBP 15,000 (13%) above the client's maximum of "
                           "GBP 115,000.")
    assert pay.severity == "high"

    notice = _found(result.mismatches, MismatchKind.NOTICE_VS_START)
    assert "90 days" in notice.summary and "28 days" in notice.summary
    assert [e.side for e in notice.evidence] == ["candidate", "client"]

    changes = [m for m in result.mismatches if m.kind == MismatchKind.REQUIREMENT_CHANGE]
    assert {(m.side, m.severity) for m in changes} == {("candidate", "medium"), ("client", "high")}

    steps = _found(result.mismatches, MismatchKind.NEXT_STEPS_CONFLICT)
    assert "second round" in steps.summary and steps.severity == "high"
    # Most severe first, so a recruiter reads what matters before the rest.
    order = {"high": 0, "medium": 1, "low": 2}
    assert [order[m.severity] for m in result.mismatches] == sorted(order[m.severity] for m in result.mismatches)


def test_an_uninterested_candidate_the_client_wants_to_offer_is_a_mismatch() -> None:
    candidate = _record("candidate", candidate_interest=2, next_steps=["withdrawing, accepted counter-offer"])
    client = _record("client", decision="offer", next_steps=["verbal offer tomorrow"])
    result = reconcile(candidate, client)
    interest = _found(result.mismatches, MismatchKind.INTEREST_VS_DECISION)
    assert interest.severity == "high" and "offer" in interest.summary
    steps = _found(result.mismatches, MismatchKind.NEXT_STEPS_CONFLICT)
    assert "stepping out" in steps.summary and "verbal offer tomorrow" in steps.summary


def test_lukewarm_interest_and_a_rejection_agree() -> None:
    candidate = _record("candidate", candidate_interest=3, next_steps=["waiting to hear back"])
    client = _record("client", decision="reject")
    assert reconcile(candidate, client).mismatches == []


def test_a_keen_candidate_on_hold_is_a_medium_mismatch() -> None:
    result = reconcile(_record("candidate", candidate_interest=4), _record("client", decision="hold"))
    assert [(m.kind, m.severity) for m in result.mismatches] == [(MismatchKind.INTEREST_VS_DECISION, "medium")]


@pytest.mark.parametrize(("pay", "field"), [
    ({"expected": 120000, "budget_max": 120000}, None),  # the ask equals the ceiling
    ({"current": 68000, "budget_max": 65000, "currency": "GBP"}, "compensation.current"),
    ({"current": 50000, "expected": 70000}, None),  # no ceiling known
])
def test_pay_is_compared_with_the_ceiling_only_when_both_are_known(pay: dict[str, Any], field: str | None) -> None:
    result = reconcile(_record("candidate", compensation=pay), None)
    assert [m.field for m in result.mismatches] == ([field] if field else [])


def test_with_one_side_missing_only_the_checks_one_side_supports_run() -> None:
    candidate, client = _agreeing_pair()
    candidate.fields["compensation"] = FieldValue(value={"expected": 130000, "budget_max": 120000})
    candidate.fields["candidate_interest"] = FieldValue(value=5)
    without_client = reconcile(candidate, None)
    assert without_client.missing_side == "client"
    assert [m.kind for m in without_client.mismatches] == [MismatchKind.PAY_VS_BUDGET]

    client.fields["requirement_changes"] = FieldValue(value=["now needs chartered status"])
    client.fields["decision"] = FieldValue(value="reject")
    without_candidate = reconcile(None, client)
    assert without_candidate.missing_side == "candidate"
    change = _found(without_candidate.mismatches, MismatchKind.REQUIREMENT_CHANGE)
    assert change.side == "client" and len(without_candidate.mismatches) == 1

    assert reconcile(None, None).model_dump() == {"missing_side": "both", "mismatches": []}


def test_a_change_both_sides_report_is_listed_once_as_shared() -> None:
    candidate = _record("candidate", requirement_changes=["site travel closer to 50%"])
    client = _record("client", requirement_changes=["travel to sites about half the week"])
    changes = reconcile(candidate, client).mismatches
    assert [(m.side, m.severity) for m in changes] == [("both", "low")]
    assert {e.side for e in changes[0].evidence} == {"candidate", "client"}


def test_records_of_the_wrong_side_are_refused() -> None:
    with pytest.raises(ValueError, match="candidate-side"):
        reconcile(_record("client"), None)


@pytest.mark.parametrize(("notice", "days"), [
    ("3 months", 90), ("4 wks", 28), ("1 month", 30), ("six weeks", 42), ("2-3 months", 60), ("immediate", 0),
    ("3m", 90), ("1 term", None),
])
def test_notice_periods_read_as_days(notice: str, days: int | None) -> None:
    assert notice_days(notice) == days


@pytest.mark.parametrize(("text", "days"), [
    ("needs someone in post within 4 weeks", 28),
    ("start asap", 30),
    ("immediate start", 14),
    ("start in 2-3 weeks", 21),
    ("start date 1 March", 40),
    ("in seat by end of March", 70),
    ("final round next week", None),  # a next step, not a start
    ("they may start soon", None),
])
def test_start_windows_read_from_next_steps(text: str, days: int | None) -> None:
    window = start_window(text, date(2026, 1, 20))
    assert (window.days if window else None) == days


def test_a_named_month_needs_the_interview_date() -> None:
    assert start_window("start date 1 March") is None


# Measured with `python -m evals.reconciliation` on the 18 cases: precision 0.957, recall 0.917.
# The gate sits 0.05 below, so a rule change that loses findings (or invents them) fails here.
MIN_PRECISION = 0.907
MIN_RECALL = 0.867


def test_reconciliation_eval_holds_its_measured_level() -> None:
    cases = evaluation.load_cases()
    assert len(cases) >= 10
    assert any(not c.expected for c in cases), "agreeing interviews belong in the set"
    assert any(c.candidate is None or c.client is None for c in cases)
    overall, _ = evaluation.score([evaluation.run_case(case) for case in cases])
    assert overall.precision >= MIN_PRECISION
    assert overall.recall >= MIN_RECALL


def test_eval_gold_records_keep_to_their_side() -> None:
    with pytest.raises(ValueError, match="other side"):
        evaluation.record_from_gold("client", {"compensation": {"expected": 50000}})
