"""After each turn: the playbook advice that now applies to the debrief, cited, each entry shown once.

An entry is offered when its `applies_when` conditions hold for the record as it stands, or when one of
its passages reads close enough to what the recruiter has just written. Of an entry, the passage
nearest to the conversation is the one shown. No model is called: this is retrieval only, and what it
returns goes to the recruiter, never into a prompt.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.core import PlaybookUnavailable, Record
from assistant.playbook.conditions import describe, is_broad, matching
from assistant.playbook.search import Passage, Playbook

log = logging.getLogger("debrief.guidance")

SIMILAR = "close to what you wrote"
NEWEST_WEIGHT = 0.6


@dataclass(frozen=True)
class GuidanceNote:
    collection: str
    entry_id: str
    title: str
    heading: str
    file: str
    text: str
    # Why it was offered: the condition that holds ("decision is reject") or SIMILAR.
    reason: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.collection, self.entry_id)


class GuidanceSource(Protocol):
    def __call__(
        self, record: Record, recent: Sequence[str], shown: set[tuple[str, str]]
    ) -> list[GuidanceNote]:
        """New notes for the record and the recruiter's latest messages; none whose key is in `shown`."""
        ...


class PlaybookGuidance:
    def __init__(self, playbook: Playbook, per_turn: int = 2, min_similarity: float = 0.55, window: int = 3):
        self._playbook = playbook
        self._per_turn = per_turn
        self._min_similarity = min_similarity
        self._window = window

    def __call__(
        self, record: Record, recent: Sequence[str], shown: set[tuple[str, str]]
    ) -> list[GuidanceNote]:
        if self._per_turn == 0:
            return []
        try:
            return self._select(record, recent, shown)
        except PlaybookUnavailable as exc:
            # Advice is a help, not part of the record: a turn never fails for want of it.
            log.warning("no playbook guidance this turn: %s", exc)
            return []

    def _select(self, record: Record, recent: Sequence[str], shown: set[tuple[str, str]]) -> list[GuidanceNote]:
        if self._playbook.is_empty():
            return []  # nothing ingested: no reason to load the embedding model
        vector = self._conversation_vector(record, recent)

        specific: list[GuidanceNote] = []
        broad: list[GuidanceNote] = []
        by_collection: dict[str, dict[str, str]] = {}
        for entry in self._playbook.conditional_entries():
            condition = matching(entry.conditions, record)
            if condition is None or (entry.collection, entry.entry_id) in shown:
                continue
            by_collection.setdefault(entry.collection, {})[entry.entry_id] = describe(condition)
            if is_broad(condition):
                by_collection[entry.collection][entry.entry_id] = "broad:" + describe(condition)
        for collection, reasons in by_collection.items():
            ids = list(reasons)
            for passage in _best_per_entry(self._playbook.nearest(vector, 8 * len(ids), [collection], ids)):
                reason = reasons[passage.citation.entry_id]
                target = broad if reason.startswith("broad:") else specific
                target.append(_note(passage, reason.removeprefix("broad:")))

        chosen = {n.key for n in specific + broad}
        similar = [
            _note(p, SIMILAR)
            for p in _best_per_entry(self._playbook.nearest(vector, 10))
            if p.similarity >= self._min_similarity
            and (p.citation.collection, p.citation.entry_id) not in shown | chosen
        ]
        # What the record points to first, then close wording, then side-wide advice.
        return (specific + similar + broad)[: self._per_turn]


    def _conversation_vector(self, record: Record, recent: Sequence[str]) -> list[float]:
        """The newest message weighs most (it is what the recruiter is on now), the few before it give
        a short one ("and a text") its context."""
        texts = [t.strip() for t in recent[-self._window:] if t.strip()] or [record.kind]
        newest, window = self._playbook.embedder.embed([texts[-1][-2000:], "\n".join(texts)[-2000:]])
        mixed = [NEWEST_WEIGHT * a + (1 - NEWEST_WEIGHT) * b for a, b in zip(newest, window, strict=True)]
        norm = math.sqrt(sum(x * x for x in mixed)) or 1.0
        return [x / norm for x in mixed]


def _best_per_entry(passages: Sequence[Passage]) -> list[Passage]:
    """Passages arrive best first; keep each entry's first, in that order."""
    seen: set[tuple[str, str]] = set()
    best: list[Passage] = []
    for passage in passages:
        key = (passage.citation.collection, passage.citation.entry_id)
        if key not in seen:
            seen.add(key)
            best.append(passage)
    return best


def _note(passage: Passage, reason: str) -> GuidanceNote:
    c = passage.citation
    return GuidanceNote(c.collection, c.entry_id, c.title, c.heading, c.file, passage.text, reason)
