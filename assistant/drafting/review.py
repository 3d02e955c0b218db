"""The checks every version of a draft gets, whoever wrote it: grounding, the compliance lint, what its
reader must not see, and for a job spec the redline against the original."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.compliance import Finding, lint
from assistant.drafting.disclosure import Fact, leaks
from assistant.drafting.grounding import SentenceSupport, Source, ground
from assistant.drafting.writer import Brief, DraftKind
from assistant.specs import Change, ChangeEvidence, redline, requirements

# Record fields whose values explain why a job spec changed.
SPEC_CAUSES = ("requirement_changes", "hiring_manager_priorities", "concerns")


@dataclass
class Review:
    grounding: list[SentenceSupport]
    findings: list[Finding]
    redline: list[Change] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "blocking"]

    @property
    def unsupported(self) -> list[SentenceSupport]:
        return [s for s in self.grounding if s.status == "unsupported"]

    @property
    def unsupported_share(self) -> float:
        factual = [s for s in self.grounding if s.status != "no_claim"]
        return len(self.unsupported) / len(factual) if factual else 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> Review:
        return Review(
            grounding=[SentenceSupport(**s) for s in data.get("grounding", [])],
            findings=[Finding(**f) for f in data.get("findings", [])],
            redline=None if data.get("redline") is None else [
                Change(kind=c["kind"], before=c["before"], after=c["after"],
                       cause=ChangeEvidence(**c["cause"]) if c.get("cause") else None)
                for c in data["redline"]
            ],
            notes=list(data.get("notes", [])),
        )


def sources(brief: Brief, shape: str = "") -> list[Source]:
    out = [Source(f.ref, "record", f"{f.label} {f.value}", f.quote) for f in brief.facts]
    out += [Source(f"playbook:{n.entry_id}", "playbook", f"{n.title} {n.text}") for n in brief.guidance]
    if brief.original_spec:
        out += [Source(f"spec:{i + 1}", "spec", line) for i, line in enumerate(requirements(brief.original_spec))]
    if brief.instructions:
        out.append(Source("instructions", "instructions", brief.instructions))
    out.append(Source("recruiter", "names", brief.recruiter))
    if shape:
        out.append(Source("shape", "shape", shape))
    return out


def spec_evidence(facts: Sequence[Fact]) -> list[ChangeEvidence]:
    return [
        ChangeEvidence(field=f.field, value=f.value, quote=f.quote or f.value, side=f.side)
        for f in facts if f.field in SPEC_CAUSES
    ]


def review(text: str, brief: Brief, other_candidates: Sequence[str] = (), shape: str = "") -> Review:
    """`shape` is the draft type's prompt: the words it asks for are not claims about the candidate."""
    audience = brief.info.audience
    findings = lint(text, job_spec=brief.kind is DraftKind.REVISED_JOB_SPEC)
    findings += leaks(text, brief.record, audience, other_candidates, brief.other_side)
    findings.sort(key=lambda f: (f.start, f.rule))
    changes = None
    if brief.kind is DraftKind.REVISED_JOB_SPEC and brief.original_spec:
        changes = redline(brief.original_spec, text, spec_evidence(brief.facts))
    return Review(grounding=ground(text, sources(brief, shape)), findings=findings, redline=changes)
