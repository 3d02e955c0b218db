"""Both sides of one interview, side by side: where the candidate's account and the client's disagree.

Everything here is deterministic: structured values (interest, decision, pay, notice) are compared as
values, and free-text items by the topics they share. Each mismatch carries the quotes both records
hold for the fields concerned, so a recruiter can check it against what was said. Wording a prose
summary for the recruiter is left to the model elsewhere; the `summary` here is one plain sentence.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.core import Record, Side, notice_days, words
from assistant.interviews.availability import StartWindow, start_window
from assistant.interviews.subjects import same_topic, topics


class MismatchKind(StrEnum):
    INTEREST_VS_DECISION = "interest_vs_decision"
    SELF_ASSESSMENT = "self_assessment"
    PAY_VS_BUDGET = "pay_vs_budget"
    NOTICE_VS_START = "notice_vs_start"
    REQUIREMENT_CHANGE = "requirement_change"
    NEXT_STEPS_CONFLICT = "next_steps_conflict"


Severity = Literal["high", "medium", "low"]
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class SideEvidence(BaseModel):
    """A value one side's record holds, with the recruiter's quotes it rests on."""

    side: Side
    field: str
    value: Any
    quotes: list[str] = Field(default_factory=list)


class Mismatch(BaseModel):
    kind: MismatchKind
    field: str = Field(description="The record field the mismatch is about, e.g. decision or compensation.expected.")
    severity: Severity
    summary: str
    # Which side revealed it, for findings that come from one side (a requirement change); None when
    # the finding sets one side against the other.
    side: Side | Literal["both"] | None = None
    evidence: list[SideEvidence] = Field(default_factory=list)


class Reconciliation(BaseModel):
    missing_side: Side | Literal["both"] | None = None
    mismatches: list[Mismatch] = Field(default_factory=list)

    def by_field(self) -> dict[str, list[Mismatch]]:
        fields: dict[str, list[Mismatch]] = {}
        for mismatch in self.mismatches:
            fields.setdefault(mismatch.field, []).append(mismatch)
        return fields


# Interest on the 1-5 scale: a keen candidate, and one who is not really in.
KEEN = 4
UNINTERESTED = 2


def reconcile(candidate: Record | None, client: Record | None, held_on: date | None = None) -> Reconciliation:
    """Compare the two records of one interview; either may be missing. `held_on` (the interview's
    date) lets a named month in a start date be read as a window."""
    if candidate is not None and candidate.kind != "candidate":
        raise ValueError("the candidate-side record must be a candidate debrief")
    if client is not None and client.kind != "client":
        raise ValueError("the client-side record must be a client debrief")
    missing: Side | Literal["both"] | None = (
        "both" if candidate is None and client is None
        else "candidate" if candidate is None
        else "client" if client is None
        else None
    )
    found: list[Mismatch] = []
    if candidate is not None:
        found += _pay_vs_budget(candidate)
    if candidate is not None and client is not None:
        found += _interest_vs_decision(candidate, client)
        found += _self_assessment(candidate, client)
        found += _next_steps_conflict(candidate, client)
    found += _notice_vs_start(candidate, client, held_on)
    found += _requirement_changes(candidate, client)
    found.sort(key=lambda m: (_SEVERITY_ORDER[m.severity], m.kind.value, m.field))
    return Reconciliation(missing_side=missing, mismatches=found)


# --- evidence ----------------------------------------------------------------------------------------


def _evidence(record: Record, name: str, value: Any = None, item: str | None = None) -> SideEvidence:
    """The quotes behind a field; for one list item, the quotes that share its words (the whole field's
    quotes when none does, since a list's quotes are stored for the field, not per item)."""
    field = record.fields.get(name)
    quotes = list(field.evidence) if field else []
    if item is not None:
        words = topics(item)
        near = [q for q in quotes if words & topics(q)]
        quotes = near or quotes
    shown = record.value(name) if value is None else value
    return SideEvidence(side=record.kind, field=name, value=shown, quotes=quotes)


def _items(record: Record | None, name: str) -> list[str]:
    value = record.value(name) if record is not None else None
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [str(value)] if isinstance(value, str) and value.strip() else []


def _names(*records: Record | None) -> set[str]:
    """The candidate's and company's names: shared by every item, so never a topic."""
    found: set[str] = set()
    for record in records:
        for name in ("candidate_name", "company", "role_title"):
            value = record.value(name) if record is not None else None
            if isinstance(value, str):
                found |= set(words(value))
    return found


# --- the checks --------------------------------------------------------------------------------------------


def _interest_vs_decision(candidate: Record, client: Record) -> list[Mismatch]:
    interest, decision = candidate.value("candidate_interest"), client.value("decision")
    if not isinstance(interest, int) or not isinstance(decision, str):
        return []
    if interest >= KEEN and decision in ("reject", "hold"):
        severity: Severity = "high" if decision == "reject" else "medium"
        verdict = "rejected them" if decision == "reject" else "put them on hold"
        summary = f"The candidate is keen ({interest}/5) but the client has {verdict}."
    elif interest <= UNINTERESTED and decision in ("offer", "advance"):
        severity = "high" if decision == "offer" else "medium"
        verdict = "wants to make an offer" if decision == "offer" else "wants them in the next round"
        summary = f"The candidate's interest is low ({interest}/5) but the client {verdict}."
    else:
        return []
    return [Mismatch(
        kind=MismatchKind.INTEREST_VS_DECISION, field="decision", severity=severity, summary=summary,
        evidence=[_evidence(candidate, "candidate_interest"), _evidence(client, "decision")],
    )]


def _self_assessment(candidate: Record, client: Record) -> list[Mismatch]:
    """What the candidate's account counts as gone well against what the client worries about, and what
    the candidate thinks went badly against what the client liked."""
    ignore = _names(candidate, client)
    found: list[Mismatch] = []
    pairs: tuple[tuple[str, str, Severity, str], ...] = (
        ("strengths", "concerns", "medium", "The candidate counts {mine!r} as a strength; the client is "
         "concerned about {theirs!r}."),
        ("weak_areas", "strengths", "low", "The candidate thinks they struggled with {mine!r}; the client "
         "rated {theirs!r}."),
    )
    rejected = client.value("decision") == "reject"
    for own_field, client_field, severity, template in pairs:
        for mine in _items(candidate, own_field):
            mine_topics = topics(mine, ignore)
            theirs = next((t for t in _items(client, client_field) if mine_topics & topics(t, ignore)), None)
            if theirs is None:
                continue
            found.append(Mismatch(
                kind=MismatchKind.SELF_ASSESSMENT, field=own_field,
                # A strength the client doubted matters most when it cost the candidate the job.
                severity="high" if own_field == "strengths" and rejected else severity,
                summary=template.format(mine=mine, theirs=theirs),
                evidence=[
                    _evidence(candidate, own_field, mine, item=mine),
                    _evidence(client, client_field, theirs, item=theirs),
                ],
            ))
    return found


def _money(amount: int, currency: str | None) -> str:
    return f"{currency} {amount:,}" if currency else f"{amount:,}"


def _pay_vs_budget(candidate: Record) -> list[Mismatch]:
    """The candidate's figures against the client's ceiling; both are recorded in the candidate debrief,
    in one currency (the record holds a single currency for all its figures)."""
    pay = candidate.value("compensation")
    if not isinstance(pay, dict) or not isinstance(pay.get("budget_max"), int):
        return []
    budget, currency = pay["budget_max"], pay.get("currency")
    # Expected pay is the ask; without it, current pay above the ceiling is already a problem.
    key = "expected" if isinstance(pay.get("expected"), int) else "current"
    amount = pay.get(key)
    if not isinstance(amount, int) or amount <= budget:
        return []
    gap = amount - budget
    share = gap / budget
    severity: Severity = "high" if share > 0.10 else "medium" if share > 0.03 else "low"
    verb = "expects" if key == "expected" else "is currently paid"
    summary = (
        f"The candidate {verb} {_money(amount, currency)}, {_money(gap, currency)} ({share:.0%}) above the "
        f"client's maximum of {_money(budget, currency)}."
    )
    return [Mismatch(
        kind=MismatchKind.PAY_VS_BUDGET, field=f"compensation.{key}", severity=severity, summary=summary,
        evidence=[_evidence(candidate, "compensation")],
    )]


def _notice_vs_start(candidate: Record | None, client: Record | None, held_on: date | None) -> list[Mismatch]:
    if candidate is None:
        return []
    notice = candidate.value("notice_period")
    days = notice_days(notice) if isinstance(notice, str) else None
    if days is None:
        return []
    # A start date is usually the client's (next steps, or a change to the role), but a candidate debrief
    # can carry it too ("they want someone in by March").
    sources: list[tuple[Record, str]] = [
        (record, name)
        for record in (client, candidate) if record is not None
        for name in ("next_steps", "requirement_changes")
    ]
    windows: list[tuple[StartWindow, Record, str, str]] = []
    for record, name in sources:
        for item in _items(record, name):
            window = start_window(item, held_on)
            if window is not None:
                windows.append((window, record, name, item))
    if not windows:
        return []
    window, record, name, item = min(windows, key=lambda w: w[0].days)
    if days <= window.days:
        return []
    severity: Severity = "high" if days - window.days > 28 else "medium"
    summary = (
        f"The candidate's notice is {notice} (about {days} days), longer than the start wanted: "
        f"{window.description} ({item!r})."
    )
    return [Mismatch(
        kind=MismatchKind.NOTICE_VS_START, field="notice_period", severity=severity, summary=summary,
        evidence=[_evidence(candidate, "notice_period"), _evidence(record, name, item, item=item)],
    )]


def _requirement_changes(candidate: Record | None, client: Record | None) -> list[Mismatch]:
    """Each change to the role, with the side that revealed it: a change only the client told us about is
    news the candidate still needs; one only the candidate heard means the client's brief has moved."""
    ignore = _names(candidate, client)
    found: list[Mismatch] = []
    echoed: set[str] = set()
    theirs = _items(client, "requirement_changes")
    if candidate is not None:
        for item in _items(candidate, "requirement_changes"):
            match = next((t for t in theirs if t not in echoed and same_topic(item, t, ignore)), None)
            evidence = [_evidence(candidate, "requirement_changes", item, item=item)]
            if match is not None and client is not None:
                echoed.add(match)
                evidence.append(_evidence(client, "requirement_changes", match, item=match))
                found.append(_change(item, "both", "low", "Both sides report the role has changed", evidence))
            else:
                found.append(_change(
                    item, "candidate", "medium", "Only the candidate's account shows the role has changed", evidence
                ))
    if client is not None:
        for item in theirs:
            if item not in echoed:
                evidence = [_evidence(client, "requirement_changes", item, item=item)]
                found.append(_change(
                    item, "client", "high" if candidate is not None else "medium",
                    "Only the client's account shows the role has changed", evidence,
                ))
    return found


def _change(item: str, side: Side | Literal["both"], severity: Severity, lead: str,
            evidence: list[SideEvidence]) -> Mismatch:
    return Mismatch(
        kind=MismatchKind.REQUIREMENT_CHANGE, field="requirement_changes", severity=severity, side=side,
        summary=f"{lead}: {item!r}.", evidence=evidence,
    )


# What a next step expects: the process moving on, or the candidate stepping out of it.
_PROGRESS = re.compile(
    r"\b(second|2nd|third|3rd|next|final|further)\s+(round|stage|interview)s?\b|\bfinals?\b|\boffer\b|"
    r"\bmeet(ing)?\s+(the\s+)?(ceo|cto|cfo|md|director|board|team|founder|leadership|panel)\b|\breferences?\b|"
    r"\bcontract\b|\bstart\s+date\b|\bassessment\b|\btrial\s+shift\b|\bpresentation\b|\btechnical\b",
    re.IGNORECASE,
)
_OFFER = re.compile(r"\boffer\b", re.IGNORECASE)
_WITHDRAW = re.compile(
    r"\bwithdr[ae]w\w*|\bpull(ing|ed)?\s+out\b|\bdrop(ping|ped)?\s+out\b|\baccept(ed|ing)?\s+(an?\s+|the\s+)?"
    r"(other|another|counter)[\s-]*offer\b|\bnot\s+(going\s+)?(to\s+)?(proceed|continu)\w*|\bdeclin\w*",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(no|not|won't|wont|isn't|don't|doesn't|unlikely|without)\b", re.IGNORECASE)


def _expects_progress(item: str) -> bool:
    return bool(_PROGRESS.search(item)) and not _NEGATION.search(item) and not _WITHDRAW.search(item)


def _next_steps_conflict(candidate: Record, client: Record) -> list[Mismatch]:
    decision = client.value("decision")
    own, theirs = _items(candidate, "next_steps"), _items(client, "next_steps")
    found: list[Mismatch] = []

    def conflict(item: str, severity: Severity, summary: str, other: SideEvidence) -> None:
        found.append(Mismatch(
            kind=MismatchKind.NEXT_STEPS_CONFLICT, field="next_steps", severity=severity, summary=summary,
            evidence=[_evidence(candidate, "next_steps", item, item=item), other],
        ))

    expected = [i for i in own if _expects_progress(i)]
    leaving = [i for i in own if _WITHDRAW.search(i)]
    if decision in ("reject", "hold") and expected:
        verdict = "rejected them" if decision == "reject" else "put the process on hold"
        conflict(expected[0], "high" if decision == "reject" else "medium",
                 f"The candidate expects {expected[0]!r}, but the client has {verdict}.",
                 _evidence(client, "decision"))
    elif decision == "advance" and any(_OFFER.search(i) for i in expected):
        item = next(i for i in expected if _OFFER.search(i))
        conflict(item, "medium", f"The candidate expects {item!r}, but the client wants another round first.",
                 _evidence(client, "decision"))
    if leaving and (decision in ("advance", "offer") or any(_expects_progress(t) for t in theirs)):
        planned = next((t for t in theirs if _expects_progress(t)), None)
        other = (_evidence(client, "next_steps", planned, item=planned) if planned is not None
                 else _evidence(client, "decision"))
        plan = repr(planned) if planned is not None else f"the client's decision to {decision}"
        conflict(leaving[0], "high", f"The candidate is stepping out ({leaving[0]!r}) while the client plans "
                 f"{plan}.", other)
    return found
