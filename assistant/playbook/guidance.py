"""After each turn: the playbook advice that now applies to the debrief, cited, each entry shown once.

An entry is offered when its `applies_when` conditions hold for the record as it stands, or when one of
its passages reads close enough to what the recruiter has just written. Of an entry, the passage that
ranks best for the conversation (by meaning and by shared words) is the one shown. No model is called:
this is retrieval only, and what it returns goes to the recruiter, never into a prompt.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.core import PlaybookUnavailable, Record
from assistant.playbook.search import MAX_QUERY_CHARS, Advice, Playbook

log = logging.getLogger("debrief.guidance")

SIMILAR = "close to what you wrote"
NEWEST_WEIGHT = 0.6
# Message vectors kept for the next turns' context, least recently used dropped first (1.5 KB each).
KEPT_VECTORS = 2048
# Entries read per turn before choosing: every entry whose condition holds must fit, and a debrief
# record rarely satisfies more than a handful.
ENTRIES_READ = 12


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
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._guard = threading.Lock()
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
        texts = [t.strip() for t in recent[-self._window:] if t.strip()] or [record.kind]
        vector = self._conversation_vector(texts)
        # Words and meaning of what the recruiter wrote, with the record's applies_when conditions as a
        # third signal; every entry a condition points to comes back, matched words or not.
        found = self._playbook.advise(
            "\n".join(texts)[-MAX_QUERY_CHARS:], entries=ENTRIES_READ, record=record, vector=vector, exclude=shown
        )
        specific = [_note(a, a.condition) for a in found if a.condition and not a.broad]
        similar = [
            _note(a, SIMILAR) for a in found
            if a.condition is None and a.passages[0].similarity >= self._min_similarity
        ]
        broad = [_note(a, a.condition) for a in found if a.condition and a.broad]
        # What the record points to first, then close wording, then side-wide advice.
        return (specific + similar + broad)[: self._per_turn]

    def _conversation_vector(self, texts: Sequence[str]) -> list[float]:
        """The newest message weighs most (it is what the recruiter is on now), the few before it give
        a short one ("and a text") its context. Each message is embedded once: the earlier ones come
        from the vectors kept from their own turn, so a turn costs one embedding."""
        vectors = [self._message_vector(text) for text in texts]
        newest, earlier = vectors[-1], vectors[:-1] or vectors
        mixed = [
            NEWEST_WEIGHT * a + (1 - NEWEST_WEIGHT) * sum(v[i] for v in earlier) / len(earlier)
            for i, a in enumerate(newest)
        ]
        norm = math.sqrt(sum(x * x for x in mixed)) or 1.0
        return [x / norm for x in mixed]

    def _message_vector(self, text: str) -> list[float]:
        key = text[-2000:]
        with self._guard:
            if key in self._vectors:
                self._vectors.move_to_end(key)
                return self._vectors[key]
        [vector] = self._playbook.embedder.embed([key])
        with self._guard:
            self._vectors[key] = vector
            while len(self._vectors) > KEPT_VECTORS:
                self._vectors.popitem(last=False)
        return vector


def _note(advice: Advice, reason: str) -> GuidanceNote:
    c = advice.passages[0].citation
    return GuidanceNote(c.collection, c.entry_id, c.title, c.heading, c.file, advice.passages[0].text, reason)
