"""What each draft may know, and what must never come out of it.

A draft's reader decides what the model is shown: a candidate never reads the client's budget, the
recruiter's internal notes or a remark touching a protected characteristic; a job spec never names the
candidate. Filtering the model's input is the first guard; the checks on its output are the second,
because a recruiter's edit or a model's slip can still put such things in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.compliance import Finding
from assistant.core import InvalidValue, Record, Side, normalise, parse_amount

Audience = Literal["candidate", "client", "spec"]

# Fields each audience's draft is written from. Anything else in the record stays with the recruiter.
VISIBLE: dict[Audience, tuple[str, ...]] = {
    "candidate": (
        "candidate_name", "role_title", "company", "interview_stage", "decision", "strengths", "concerns",
        "weak_areas", "hiring_manager_priorities", "next_steps",
    ),
    "client": (
        "candidate_name", "role_title", "company", "interview_stage", "decision", "failure_cause", "strengths",
        "concerns", "requirement_changes", "next_steps", "compensation.budget_max", "compensation.currency",
    ),
    # The failure cause tells the revision what kind of change is due (a brief that was wrong, or a
    # client who moved); the spec itself never states it.
    "spec": (
        "role_title", "company", "failure_cause", "requirement_changes", "hiring_manager_priorities", "concerns",
        "compensation.budget_max", "compensation.currency",
    ),
}

LABELS = {
    "candidate_name": "Candidate", "role_title": "Role", "company": "Company", "interview_stage": "Stage",
    "decision": "Client's decision", "failure_cause": "Why it did not work out", "strengths": "Went well",
    "concerns": "Concern", "weak_areas": "Struggled with", "hiring_manager_priorities": "Hiring manager cares about",
    "next_steps": "Next step", "requirement_changes": "Requirement change",
    "compensation.budget_max": "Budget (top of range)", "compensation.currency": "Currency",
}

# What a draft takes from the other side's debrief of the same interview: for a job spec and a client
# follow-up, what either side learned about the role; for a candidate, the client's verdicts (put in
# the recruiter's words, like the client's own debrief's).
FROM_OTHER_SIDE: dict[Audience, tuple[str, ...]] = {
    "spec": ("requirement_changes", "hiring_manager_priorities"),
    "client": ("requirement_changes",),
    "candidate": ("strengths", "concerns"),
}

# Record fields that are the recruiter's own judgement or the client's confidences, never a candidate's.
INTERNAL = ("red_flags", "compliance_flags", "interview_conduct", "relationship_risk", "failure_cause")
# The client's verdicts on the candidate: in a candidate's draft they are put in the recruiter's words.
CLIENT_REMARKS = ("strengths", "concerns", "decision", "requirement_changes", "hiring_manager_priorities")
# A copied run this long is a quotation; a shorter one is a fact in common words ("no Kubernetes in
# production") that the draft may well need to state.
RAW_REMARK_WORDS = 8


@dataclass(frozen=True)
class Fact:
    ref: str  # stable id shown to the recruiter: "strengths[1]", "compensation.budget_max"
    field: str
    label: str
    value: str
    quote: str | None
    side: Side


def facts(record: Record, audience: Audience, other: Record | None = None) -> list[Fact]:
    """The record's values this audience's draft may rest on, each with the quote it came from; with
    the other side's record of the same interview, the values that side adds (refs prefixed by side)."""
    out = _facts(record, audience, VISIBLE[audience])
    if other is not None and other.kind != record.kind:
        names = tuple(n for n in VISIBLE[audience] if n in FROM_OTHER_SIDE[audience])
        out += [
            Fact(f"{other.kind}:{f.ref}", f.field, f"{f.label} ({other.kind} side)", f.value, f.quote, f.side)
            for f in _facts(other, audience, names)
        ]
    return out


def _facts(record: Record, audience: Audience, names: Sequence[str]) -> list[Fact]:
    out: list[Fact] = []
    for name in names:
        if name == "next_steps" and audience == "candidate" and not _next_steps_are_the_candidates(record):
            continue
        parent, _, child = name.partition(".")
        item = record.fields.get(parent)
        if item is None or not record.is_filled(parent):
            continue
        if child:
            value = item.value.get(child) if isinstance(item.value, dict) else None
            if value not in (None, ""):
                out.append(Fact(name, name, LABELS[name], _shown(value), _quote_for(value, item.evidence),
                                record.kind))
        elif isinstance(item.value, list):
            for i, value in enumerate(item.value):
                out.append(Fact(f"{name}[{i}]", name, LABELS[name], _shown(value),
                                _quote_for(value, item.evidence), record.kind))
        else:
            out.append(Fact(name, name, LABELS[name], _shown(item.value), _quote_for(item.value, item.evidence),
                            record.kind))
    return out


def _next_steps_are_the_candidates(record: Record) -> bool:
    """A client debrief's next steps are the recruiter's actions for the client ("send two new
    profiles") unless the candidate goes on."""
    return record.kind == "candidate" or record.value("decision") in ("advance", "offer")


def withheld_flags(audience: Audience, *records: Record | None) -> list[str]:
    """Compliance flags the draft was written without; the recruiter is told which and why."""
    if audience != "candidate":
        return []
    return [str(f) for record in records if record for f in (record.value("compliance_flags") or [])]


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and value >= 1000:
        return f"{value:,}"
    return str(value).replace("_", " ") if isinstance(value, str) and "_" in value else str(value)


def _quote_for(value: object, evidence: Sequence[str]) -> str | None:
    wanted = normalise(str(value))
    return next((q for q in evidence if wanted and wanted in normalise(q)), evidence[0] if evidence else None)


# --- checks on the draft's text --------------------------------------------------------------------

_MONEY = re.compile(r"(?:[£$€]\s?)?\b\d(?:[\d,.]*\d)?(?:\s?[kKmM]\b)?")
_WORD = re.compile(r"[\w']+")


def leaks(
    text: str, record: Record, audience: Audience, other_candidates: Iterable[str] = (),
    other_side: Record | None = None,
) -> list[Finding]:
    found: list[Finding] = []
    if audience == "candidate":
        for each in (record, other_side):
            if each is not None:
                found += _budget_figures(text, each)
                found += [f for f in _raw_remarks(text, each) if not any(f.start == g.start for g in found)]
    if audience == "spec":
        name = record.value("candidate_name")
        if name:
            found += _names(text, [str(name)], "disclosure.candidate_in_spec", "candidate named in a job spec",
                            "A job spec is shared widely: it must not name the candidate who was interviewed.")
    own = normalise(str(record.value("candidate_name") or ""))
    others = [n for n in other_candidates if normalise(n) and normalise(n) != own]
    found += _names(text, others, "disclosure.other_candidate", "another candidate",
                    "This names a candidate from another debrief: their application is confidential.",
                    blocking=audience != "client")
    return sorted(found, key=lambda f: f.start)


def _budget_figures(text: str, record: Record) -> list[Finding]:
    pay = record.value("compensation")
    budget = pay.get("budget_max") if isinstance(pay, dict) else None
    if not budget:
        return []
    found = []
    for match in _MONEY.finditer(text):
        try:
            amount = parse_amount(match.group(0))
        except InvalidValue:
            continue
        if amount == budget:
            found.append(Finding(
                "disclosure.budget", "salary budget", "blocking", match.start(), match.end(), match.group(0),
                "The client's salary budget is confidential: a candidate must not read it.",
            ))
    return found


def _raw_remarks(text: str, record: Record) -> list[Finding]:
    """Long verbatim runs of what the client said, or of the recruiter's internal notes."""
    quotes: list[str] = []
    for name, item in record.fields.items():
        if name in INTERNAL or (record.kind == "client" and name in CLIENT_REMARKS):
            quotes += item.evidence
    words = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    found: list[Finding] = []
    for quote in quotes:
        needle = [w.lower() for w in _WORD.findall(quote)]
        if len(needle) < RAW_REMARK_WORDS:
            continue
        grams = {tuple(needle[i:i + RAW_REMARK_WORDS]) for i in range(len(needle) - RAW_REMARK_WORDS + 1)}
        hits = [i for i in range(len(words) - RAW_REMARK_WORDS + 1)
                if tuple(w for w, _, _ in words[i:i + RAW_REMARK_WORDS]) in grams]
        for first, last in _runs(hits):
            start, end = words[first][1], words[last + RAW_REMARK_WORDS - 1][2]
            if not any(f.start <= start < f.end for f in found):
                found.append(Finding(
                    "disclosure.raw_remark", "raw remark", "blocking", start, end, text[start:end],
                    "These are the client's or your own notes word for word: put the point in your own "
                    "words, as feedback the candidate can use.",
                ))
    return found


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive window starts joined, so one copied passage is one finding."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _names(text: str, names: Sequence[str], rule: str, category: str, why: str,
           blocking: bool = True) -> list[Finding]:
    found: list[Finding] = []
    for name in names:
        pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b", re.IGNORECASE)
        for match in pattern.finditer(text):
            found.append(Finding(rule, category, "blocking" if blocking else "advisory", match.start(),
                                 match.end(), match.group(0), why))
    return found
