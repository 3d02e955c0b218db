"""What the templates show, worked out from domain objects: evidence marks in the transcript, the record's
rows, a draft's sentences with their findings. No HTML here: the templates escape everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.compliance import Finding
from assistant.conversation import Debrief
from assistant.core import FieldSpec, Kind, Record, locate, specs_for
from assistant.drafting import DraftVersion


@dataclass
class Segment:
    text: str
    marks: list[str] = field(default_factory=list)  # record fields, or finding severities


def segments(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """`text` cut at every span edge; each piece lists the spans covering it (spans may overlap)."""
    edges = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for start, end in zip(edges, edges[1:], strict=False):
        if start >= end or start < 0 or end > len(text):
            continue
        marks = sorted({name for s, e, name in spans if s <= start and end <= e})
        pieces.append(Segment(text[start:end], marks))
    return pieces


@dataclass
class Line:
    seq: int
    role: str
    status: str
    via: str | None
    segments: list[Segment]


def transcript(debrief: Debrief) -> list[Line]:
    """Each message, with the spans the record's quotes came from marked by field name."""
    recruiter = [m for m in debrief.transcript if m.role == "recruiter"]
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for name, value in debrief.record.fields.items():
        for quote in value.evidence:
            found = locate(quote, [m.text for m in recruiter])
            if found:
                seq = recruiter[found.message_index].seq
                spans.setdefault(seq, []).append((found.start, found.end, name))
    return [
        Line(m.seq, m.role, m.status, (m.details or {}).get("via"), segments(m.text, spans.get(m.seq, [])))
        for m in debrief.transcript
    ]


@dataclass
class Row:
    key: str  # what a correction names: the field, or parent_child for a sub-field
    field: str  # the record field its quotes belong to
    spec: FieldSpec
    value: Any
    evidence: list[str]
    source: str | None

    @property
    def known(self) -> bool:
        return self.value is not None and self.value != [] and self.value != ""

    @property
    def input_value(self) -> str:
        """The value as the correction form shows it: lists one item per line."""
        if not self.known:
            return ""
        if isinstance(self.value, list):
            return "\n".join(str(v) for v in self.value)
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        return str(self.value)

    @property
    def input(self) -> str:
        if self.spec.kind is Kind.TEXT_LIST:
            return "textarea"
        if self.spec.kind in (Kind.CHOICE, Kind.INTEREST, Kind.BOOLEAN):
            return "select"
        return "text"

    @property
    def options(self) -> list[str]:
        if self.spec.kind is Kind.INTEREST:
            return ["1", "2", "3", "4", "5"]
        if self.spec.kind is Kind.BOOLEAN:
            return ["yes", "no"]
        return list(self.spec.choices)


def record_rows(record: Record) -> list[Row]:
    rows = []
    for spec in specs_for(record.kind):
        held = record.fields.get(spec.parent or spec.name)
        value = held.value if held else None
        if spec.parent:
            value = value.get(spec.name) if isinstance(value, dict) else None
        rows.append(Row(spec.key, spec.parent or spec.name, spec, value,
                        list(held.evidence) if held else [], held.source if held else None))
    return rows


@dataclass
class CheckedSentence:
    text: str
    status: str
    refs: list[str]
    unsupported: list[str]
    segments: list[Segment]
    findings: list[Finding]


def checked_sentences(version: DraftVersion) -> tuple[list[CheckedSentence], list[Finding]]:
    """The draft's sentences with the findings that fall inside each marked in place; findings that
    cross a sentence boundary are returned apart."""
    review = version.review
    placed: set[int] = set()
    sentences = []
    for sentence in review.grounding:
        inside = [i for i, f in enumerate(review.findings) if sentence.start <= f.start and f.end <= sentence.end]
        placed.update(inside)
        found = [review.findings[i] for i in inside]
        spans: list[tuple[int, int, str]] = [
            (f.start - sentence.start, f.end - sentence.start, f.severity) for f in found
        ]
        body = version.text[sentence.start:sentence.end]
        sentences.append(CheckedSentence(body, sentence.status, sentence.refs, sentence.unsupported,
                                         segments(body, spans), found))
    rest = [f for i, f in enumerate(review.findings) if i not in placed]
    return sentences, rest
