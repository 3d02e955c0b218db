"""The recruiting playbook (knowledge/) and the recruiter's own documents: ingest, search, cite.

Two Chroma collections: `playbook` holds knowledge/, `documents` holds whatever a recruiter adds with
`debrief ingest PATH`, so re-ingesting the playbook never touches their files and the other way round.
A search ranks passages twice, by meaning (the embedder's vectors in Chroma) and by shared words (BM25
over the same passages, held in memory), fuses the two rankings and answers with entries, each with its
best passages and their citations; a debrief's record adds the entries whose `applies_when` holds.
Retrieved text is data for the recruiter to read; it is never put into a prompt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core import InvalidInput, Record, Settings
from assistant.playbook.chroma import PassageIndex, Stored, open_client
from assistant.playbook.conditions import Condition, describe, is_broad, load_conditions, matching
from assistant.playbook.embedding import Embedder, make_embedder
from assistant.playbook.entries import SITUATION_KEY
from assistant.playbook.ingest import IngestReport, Progress, ingest
from assistant.playbook.lexical import LexicalIndex
from assistant.playbook.query_vectors import QueryVectors
from assistant.playbook.retrieval import DEPTH, Fusion

PLAYBOOK = "playbook"
DOCUMENTS = "documents"
COLLECTIONS = (PLAYBOOK, DOCUMENTS)
MAX_QUERY_CHARS = 2000
# Passages of one entry shown before the next entry's: the recruiter sees several pieces of advice.
PASSAGES_PER_ENTRY = 2
# Seconds a collection read into memory is used without asking Chroma whether its size changed (a
# question that costs about as much as the rest of a search). This process's own ingests are seen at
# once; another process's (`debrief ingest` beside a running service) within this time.
RECHECK_S = 2.0
_SEP = "\x1f"


@dataclass(frozen=True)
class Citation:
    entry_id: str
    title: str
    heading: str
    file: str
    collection: str

    def __str__(self) -> str:
        return f"[{self.entry_id}] {self.title} > {self.heading}"


@dataclass(frozen=True)
class Passage:
    citation: Citation
    text: str
    similarity: float


@dataclass(frozen=True)
class ConditionalEntry:
    collection: str
    entry_id: str
    title: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Advice:
    """One playbook entry found for a question: its best passages, each with its citation."""

    collection: str
    entry_id: str
    title: str
    file: str
    score: float
    passages: tuple[Passage, ...]
    # The entry's applies_when condition that holds for the debrief record, described; None when the
    # entry was found by its words alone. `broad` when that condition is on the side alone.
    condition: str | None = None
    broad: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.collection, self.entry_id)


@dataclass
class _Corpus:
    """Every passage of one collection with its vector, read from Chroma into memory: rebuilt when the
    collection's size changes (checked at most every RECHECK_S) or this process writes to it. A search
    is then a matrix product and a few vector additions, with no store round trip; a playbook of
    10,000 passages is 15 MB of vectors."""

    count: int
    ids: list[str]
    passages: list[Passage]
    row_of: dict[str, int]
    # An entry's passages that can be shown: its sections, not its situation passage.
    rows_by_entry: dict[str, list[int]]
    # Keys (collection and passage id) of the situation passages: searched, never shown.
    situations: frozenset[str]
    # One unit-length row per passage, in the order of `passages`.
    vectors: Any
    lexical: LexicalIndex
    conditional: list[ConditionalEntry]
    # When the collection's size was last seen to be `count` (time.monotonic, or the Playbook's clock).
    checked_at: float = 0.0


class Playbook:
    def __init__(
        self, connect: Callable[[], Any], embedder: Embedder, knowledge_dir: Path,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`connect` returns a Chroma client; it is called once, when something is first read or written.
        `clock` times how long a collection read into memory is trusted (RECHECK_S)."""
        self.embedder = embedder
        self.knowledge_dir = knowledge_dir
        self._connect = connect
        self._client: Any = None
        self._guard = threading.Lock()
        # Held while a collection is read into memory, so concurrent first searches read it once.
        self._reading = threading.Lock()
        self._clock = clock
        self._indexes = {
            name: PassageIndex(self.client, f"debrief-{name}", embedder.name) for name in COLLECTIONS
        }
        self._corpora: dict[str, _Corpus] = {}
        # Ingests this process has finished; a collection read while one ran is not kept.
        self._writes = 0
        self.fusion = Fusion()

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    @embedder.setter
    def embedder(self, embedder: Embedder) -> None:
        # Query vectors are the embedder's: another embedder starts with none kept.
        self._embedder = embedder
        self._query_vectors = QueryVectors(lambda text: embedder.embed([text])[0])

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder | None = None) -> Playbook:
        chosen = embedder or make_embedder(settings.playbook.embedder, settings.playbook.embedder_threads)
        storage = settings.storage
        return cls(
            lambda: open_client(storage.resolved_chroma_path, storage.chroma_url), chosen,
            settings.content.knowledge_dir,
        )

    def client(self) -> Any:
        with self._guard:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def index(self, collection: str) -> PassageIndex:
        if collection not in self._indexes:
            raise InvalidInput(f"collection must be one of {', '.join(COLLECTIONS)}, not {collection!r}")
        return self._indexes[collection]

    def ingest(
        self, paths: Sequence[Path] = (), into: str | None = None, progress: Progress | None = None
    ) -> IngestReport:
        """No paths: the playbook folder into `playbook`. Paths: into `documents` unless told otherwise."""
        target = into or (DOCUMENTS if paths else PLAYBOOK)
        try:
            return ingest(self.index(target), self.embedder, list(paths) or [self.knowledge_dir], progress)
        finally:
            with self._guard:
                self._corpora.pop(target, None)
                self._writes += 1

    def search(
        self, query: str, k: int = 5, collections: Iterable[str] = COLLECTIONS
    ) -> list[Passage]:
        """k passages, grouped by entry: the best entry's best passages first (two at most while other
        entries have something to show), then the next entry's."""
        advice = self.advise(query, k, collections)
        first = [p for a in advice for p in a.passages[:PASSAGES_PER_ENTRY]]
        rest = [p for a in advice for p in a.passages[PASSAGES_PER_ENTRY:]]
        return (first + rest)[:k]

    def advise(
        self, query: str, entries: int = 3, collections: Iterable[str] = COLLECTIONS, record: Record | None = None,
        vector: Sequence[float] | None = None, exclude: set[tuple[str, str]] | None = None,
    ) -> list[Advice]:
        """The `entries` entries that answer `query` best, best first. With a record, entries whose
        applies_when holds for it rank higher, and all of them are offered (after those) even when no
        passage of theirs matched the words. `vector`
        is the query's embedding when the caller has one; `exclude` holds (collection, entry id) pairs
        not to offer."""
        query = self.checked_query(query)
        wanted = np.asarray(vector if vector is not None else self._query_vectors.get(query), dtype=np.float32)
        skip = exclude or set()
        passages: dict[str, Passage] = {}
        dense: list[tuple[str, float]] = []
        lexical: list[list[str]] = []
        bonus: dict[str, float] = {}
        conditions: dict[str, tuple[str, bool]] = {}
        similarities: dict[str, Any] = {}
        # Each collection's situation passages: they rank their entry but are not shown.
        hidden: dict[str, frozenset[str]] = {}
        for name in collections:
            corpus = self._corpus(name)
            if corpus.count == 0:
                continue
            # numpy's own loop, not OpenBLAS: a matrix-vector product is memory-bound, and OpenBLAS's
            # threads, waiting for cores the chat model holds, made it 12 ms instead of 1.7 ms over
            # 10,000 passages (docs/playbook.md, "Measured").
            sims = np.einsum("ij,j->i", corpus.vectors, wanted)
            similarities[name] = sims
            top = np.argsort(-sims)[:DEPTH] if len(sims) <= DEPTH else np.argpartition(-sims, DEPTH - 1)[:DEPTH]
            rows = [int(r) for r in top]
            dense += [(_key(name, corpus.ids[row]), float(sims[row])) for row in rows]
            words = [corpus.row_of[hit.key] for hit in corpus.lexical.search(query, DEPTH)]
            lexical.append([_key(name, corpus.ids[row]) for row in words])
            for row in {*rows, *words}:
                passages[_key(name, corpus.ids[row])] = replace(
                    corpus.passages[row], similarity=round(float(sims[row]), 4)
                )
            hidden[name] = corpus.situations
            if record is not None:
                for conditional in corpus.conditional:
                    holding = matching(conditional.conditions, record)
                    if holding is not None:
                        entry = _key(name, conditional.entry_id)
                        broad = is_broad(holding)
                        bonus[entry] = 0.0 if broad else self.fusion.condition_bonus
                        conditions[entry] = (describe(holding), broad)
        entry_of = {key: _key(p.citation.collection, p.citation.entry_id) for key, p in passages.items()}
        fused = self.fusion.fuse([k for k, _ in sorted(dense, key=lambda d: d[1], reverse=True)], lexical)
        found: list[Advice] = []
        for entry, score, ranked in self.fusion.rank_entries(fused, entry_of, bonus):
            name, entry_id = entry.split(_SEP, 1)
            # Past the limit, only the entries the record points to are still offered.
            if (name, entry_id) in skip or (len(found) >= entries and entry not in conditions):
                continue
            unshown = hidden.get(name, frozenset())
            shown = tuple(passages[p.key] for p in ranked if p.key not in unshown) or self._best_of_entry(
                name, entry_id, similarities
            )
            if not shown:
                continue
            condition, broad = conditions.get(entry, (None, False))
            first = shown[0].citation
            found.append(Advice(name, entry_id, first.title, first.file, round(score, 6), shown, condition, broad))
        return found

    def checked_query(self, query: str) -> str:
        query = query.strip()
        if not query:
            raise InvalidInput("the question is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(f"the question is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
        return query

    def embed_query(self, query: str) -> list[float]:
        """The query's vector; the same words asked again (up to spacing) are not embedded again."""
        return self._query_vectors.get(self.checked_query(query))

    def _best_of_entry(self, collection: str, entry_id: str, similarities: dict[str, Any]) -> tuple[Passage, ...]:
        """An entry's two sections closest to the query, for an entry offered on its condition or its
        situation passage alone."""
        corpus = self._corpus(collection)
        sims = similarities.get(collection)
        if sims is None:
            return ()
        rows = sorted(corpus.rows_by_entry.get(entry_id, []), key=lambda r: -float(sims[r]))[:2]
        return tuple(replace(corpus.passages[r], similarity=round(float(sims[r]), 4)) for r in rows)

    def _corpus(self, collection: str) -> _Corpus:
        index = self.index(collection)
        with self._guard:
            cached = self._corpora.get(collection)
        if cached is not None and self._clock() - cached.checked_at < RECHECK_S:
            return cached
        with self._reading:
            with self._guard:
                latest = self._corpora.get(collection)
                written = self._writes
            if latest is not None and self._clock() - latest.checked_at < RECHECK_S:
                return latest  # checked or read by another thread while this one waited
            checked_at = self._clock()
            count = index.count()
            if latest is not None and latest.count == count:
                latest.checked_at = checked_at
                return latest
            corpus = self._read(collection, index, checked_at)
            with self._guard:
                # Kept only when no ingest ran meanwhile: it may have read the collection half written.
                if self._writes == written:
                    self._corpora[collection] = corpus
            return corpus

    def _read(self, collection: str, index: PassageIndex, checked_at: float) -> _Corpus:
        documents: list[tuple[str, str]] = []
        conditional: dict[str, ConditionalEntry] = {}
        stored_passages, vectors = index.everything()
        for stored in stored_passages:
            meta = stored.metadata
            entry_id = str(meta.get("entry_id", ""))
            # The same words the embedder sees: the title and heading name what a bare paragraph is about.
            documents.append((stored.id, f"{meta.get('title', '')}. {meta.get('heading', '')}.\n{stored.text}"))
            rules = str(meta.get("applies_when") or "[]")
            if rules != "[]" and entry_id not in conditional:
                conditional[entry_id] = ConditionalEntry(
                    collection, entry_id, str(meta.get("title", "")), load_conditions(rules)
                )
        rows_by_entry: dict[str, list[int]] = {}
        situations = set()
        for row, stored in enumerate(stored_passages):
            if stored.metadata.get(SITUATION_KEY):
                situations.add(_key(collection, stored.id))
            else:
                rows_by_entry.setdefault(str(stored.metadata.get("entry_id", "")), []).append(row)
        corpus = _Corpus(
            count=len(documents),
            ids=[stored.id for stored in stored_passages],
            passages=[_passage(collection, stored) for stored in stored_passages],
            row_of={stored.id: row for row, stored in enumerate(stored_passages)},
            rows_by_entry=rows_by_entry,
            situations=frozenset(situations),
            vectors=np.asarray(vectors, dtype=np.float32).reshape(len(documents), self.embedder.dimension),
            lexical=LexicalIndex(documents),
            conditional=list(conditional.values()),
            checked_at=checked_at,
        )
        return corpus

    def nearest(
        self, vector: Sequence[float], k: int, collections: Iterable[str] = COLLECTIONS,
        entry_ids: Sequence[str] | None = None,
    ) -> list[Passage]:
        """The k passages closest to the vector across the collections, best first; optionally only
        from the given entries."""
        where = {"entry_id": {"$in": list(entry_ids)}} if entry_ids else None
        if entry_ids is not None and not entry_ids:
            return []
        found = [
            _passage(name, stored)
            for name in collections
            for stored in self.index(name).query(vector, k, where)
            if not stored.metadata.get(SITUATION_KEY)  # searched by advise, never shown
        ]
        return sorted(found, key=lambda p: p.similarity, reverse=True)[:k]

    def is_empty(self) -> bool:
        return all(self._corpus(name).count == 0 for name in COLLECTIONS)

    def conditional_entries(self, collections: Iterable[str] = COLLECTIONS) -> list[ConditionalEntry]:
        """Entries whose front matter says when they apply, with those conditions."""
        return [entry for name in collections for entry in self._corpus(name).conditional]


def _key(collection: str, id_: str) -> str:
    return f"{collection}{_SEP}{id_}"


def _passage(collection: str, stored: Stored) -> Passage:
    meta = stored.metadata
    citation = Citation(
        entry_id=str(meta.get("entry_id", "")), title=str(meta.get("title", "")),
        heading=str(meta.get("heading", "")), file=str(meta.get("file", "")), collection=collection,
    )
    return Passage(citation, stored.text, round(stored.similarity, 4))
