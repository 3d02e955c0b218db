"""After each turn: the playbook advice that now applies to the debrief, cited, each entry shown once.

An entry is offered when its `applies_when` conditions hold for the record as it stands, or when one of
its passages reads close enough to what the recruiter has just written. Of an entry, the passage that
ranks best for the conversation (by meaning and by shared words) is the one shown. No model is called:
this is retrieval only, and what it returns goes to the recruiter, never into a prompt.

The guidance is looked up after the model's answer (the record's conditions need it), but most of its
cost, embedding the recruiter's new message, needs only the message: `prepare` starts that as soon as
the message arrives, so it runs while the turn waits for the model and the store.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.core import PlaybookUnavailable, Record
from assistant.playbook.search import MAX_QUERY_CHARS, Advice, Playbook

log = logging.getLogger("debrief.guidance")

SIMILAR = "close to what you wrote"
NEWEST_WEIGHT = 0.6
# Messages being embedded ahead of their turn's guidance; past this, the oldest are forgotten (a turn
# that failed before its guidance never collects its own).
PREPARED = 256
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

    def prepare(self, message: str) -> None:
        """A recruiter's message has arrived and its turn's guidance will follow: work that needs only
        the message may start now. Never raises."""
        ...


class PlaybookGuidance:
    def __init__(self, playbook: Playbook, per_turn: int = 2, min_similarity: float = 0.55, window: int = 3):
        self._playbook = playbook
        self._guard = threading.Lock()
        self._per_turn = per_turn
        self._min_similarity = min_similarity
        self._window = window
        # One thread: embeddings prepared ahead queue behind each other instead of taking every core
        # from the chat model; a turn whose message is still queued embeds it itself (see _message_vector).
        self._ahead: ThreadPoolExecutor | None = None
        self._prepared: OrderedDict[str, Future[list[float]]] = OrderedDict()

    def prepare(self, message: str) -> None:
        if self._per_turn == 0 or not message.strip():
            return
        key = _key(message)
        with self._guard:
            if key in self._prepared:
                return
            if self._ahead is None:
                self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guidance-ahead")
            self._prepared[key] = self._ahead.submit(self._playbook.embed_query, key)
            while len(self._prepared) > PREPARED:
                self._prepared.popitem(last=False)

    def close(self) -> None:
        """Stops the thread that embeds messages ahead; what it has queued is dropped."""
        with self._guard:
            ahead, self._ahead = self._ahead, None
            self._prepared.clear()
        if ahead is not None:
            ahead.shutdown(wait=True, cancel_futures=True)

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
        from the playbook's kept query vectors, so a turn costs one embedding, often made ahead."""
        vectors = np.asarray([self._message_vector(text) for text in texts], dtype=np.float64)
        earlier = vectors[:-1] if len(vectors) > 1 else vectors
        mixed = NEWEST_WEIGHT * vectors[-1] + (1 - NEWEST_WEIGHT) * earlier.mean(axis=0)
        norm = float(np.linalg.norm(mixed)) or 1.0
        return (mixed / norm).tolist()  # type: ignore[no-any-return]

    def _message_vector(self, text: str) -> list[float]:
        key = _key(text)
        with self._guard:
            prepared = self._prepared.pop(key, None)
        # Still queued behind other turns' messages: embedding it here is sooner than waiting.
        if prepared is not None and not prepared.cancel():
            try:
                return prepared.result()
            except PlaybookUnavailable:
                pass  # asked again below, so the failure is reported the usual way
        return self._playbook.embed_query(key)


def _key(message: str) -> str:
    """What of a message is embedded: its end, when it is longer than a query may be."""
    return message.strip()[-MAX_QUERY_CHARS:]


def _note(advice: Advice, reason: str) -> GuidanceNote:
    c = advice.passages[0].citation
    return GuidanceNote(c.collection, c.entry_id, c.title, c.heading, c.file, advice.passages[0].text, reason)
