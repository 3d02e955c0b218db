"""One point, one place: which of a turn's proposed list items only restate other points.

A small model asked for every list field tends to file a message's clauses more than once: the whole
sentence as a strength and its two halves as next steps, a clause and a three-word piece of it as two
concerns, the same clause under concerns and red flags. Each copy is a false entry in the record and
one more thing for the recruiter to delete. What stays is the finest statement of each point, once.

Items are compared by their words in order (case and punctuation aside), so "5 days" lies inside
"they need someone on site 5 days" but not inside "15 days".
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core import Record, words

# Flags are worded by the compliance routing, not by the model, and must never be dropped as repeats.
_NOT_POINTS = {"compliance_flags"}


@dataclass(frozen=True)
class _Point:
    field: str
    text: str  # " word word " so that containment respects word boundaries
    proposal: int | None  # index among the proposals; None for an item already in the record


def _padded(text: str) -> str:
    return f" {' '.join(words(text))} "


def _inside(small: _Point, large: _Point) -> bool:
    return small.text != large.text and small.text.strip() != "" and small.text in large.text


@dataclass(frozen=True)
class Item:
    """A proposed list item as the gate would store it: its field and text, and its index among the
    turn's proposals."""

    index: int
    field: str
    text: str


def restatements(record: Record, proposed: list[Item]) -> set[int]:
    """Indexes of the proposals to leave out:
    - an item that holds two or more other points (in any list field, already recorded or proposed
      with it): the finer points say it;
    - an item already recorded under another list field, or proposed twice in one answer, or that is
      word for word the quote of a figure, choice or yes/no already recorded ("84k base + bonus" as a
      hiring manager's priority): the first place stands;
    - an item that lies inside another item of the same field: the fuller one says it.
    """
    points = [
        _Point(name, _padded(str(item)), None)
        for name, held in record.fields.items()
        if name not in _NOT_POINTS and isinstance(held.value, list)
        for item in held.value
    ]
    # Quotes of other fields count for the exact repeat only: one of them is often a whole sentence, and
    # an item that holds it may still make a point of its own.
    quotes = [
        _Point(name, _padded(quote), None)
        for name, held in record.fields.items()
        if name not in _NOT_POINTS and not isinstance(held.value, list)
        for quote in held.evidence
    ]
    points += [_Point(item.field, _padded(item.text), item.index)
               for item in proposed if item.field not in _NOT_POINTS]

    left_out: set[int] = set()
    for point in points:
        if point.proposal is not None and sum(_inside(other, point) for other in points) >= 2:
            left_out.add(point.proposal)
    kept = [p for p in points if p.proposal not in left_out]
    seen: list[_Point] = list(quotes)
    for point in kept:
        if point.proposal is not None and any(
                other.text == point.text and (other.field != point.field or other.proposal is not None)
                for other in seen):
            left_out.add(point.proposal)
            continue
        seen.append(point)
    kept = [p for p in kept if p.proposal not in left_out]
    for point in kept:
        if point.proposal is not None and any(
                other.field == point.field and _inside(point, other) for other in kept):
            left_out.add(point.proposal)
    return left_out
