"""The recruiting playbook (knowledge/) and the recruiter's own documents: ingest, search, cite.

Two Chroma collections: `playbook` holds knowledge/, `documents` holds whatever a recruiter adds with
`debrief ingest PATH`, so re-ingesting the playbook never touches their files and the other way round.
Retrieved text is data for the recruiter to read; it is never put into a prompt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core import InvalidInput, Settings
from assistant.playbook.chroma import PassageIndex, Stored, open_client
from assistant.playbook.conditions import Condition, load_conditions
from assistant.playbook.embedding import Embedder, make_embedder
from assistant.playbook.ingest import IngestReport, Progress, ingest

PLAYBOOK = "playbook"
DOCUMENTS = "documents"
COLLECTIONS = (PLAYBOOK, DOCUMENTS)
MAX_QUERY_CHARS = 2000


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


class Playbook:
    def __init__(self, connect: Callable[[], Any], embedder: Embedder, knowledge_dir: Path) -> None:
        """`connect` returns a Chroma client; it is called once, when something is first read or written."""
        self.embedder = embedder
        self.knowledge_dir = knowledge_dir
        self._connect = connect
        self._client: Any = None
        self._guard = threading.Lock()
        self._indexes = {
            name: PassageIndex(self.client, f"debrief-{name}", embedder.name) for name in COLLECTIONS
        }

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder | None = None) -> Playbook:
        chosen = embedder or make_embedder(settings.embedder, settings.embedder_threads)
        return cls(
            lambda: open_client(settings.resolved_chroma_path, settings.chroma_url), chosen, settings.knowledge_dir
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
        return ingest(self.index(target), self.embedder, list(paths) or [self.knowledge_dir], progress)

    def search(
        self, query: str, k: int = 5, collections: Iterable[str] = COLLECTIONS
    ) -> list[Passage]:
        vector = self.embed_query(query)
        return self.nearest(vector, k, collections)

    def embed_query(self, query: str) -> list[float]:
        query = query.strip()
        if not query:
            raise InvalidInput("the question is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(f"the question is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
        return self.embedder.embed([query])[0]

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
        ]
        return sorted(found, key=lambda p: p.similarity, reverse=True)[:k]

    def is_empty(self) -> bool:
        return all(index.count() == 0 for index in self._indexes.values())

    def conditional_entries(self, collections: Iterable[str] = COLLECTIONS) -> list[ConditionalEntry]:
        """Entries whose front matter says when they apply, with those conditions."""
        entries: dict[tuple[str, str], ConditionalEntry] = {}
        for name in collections:
            for meta in self.index(name).metadatas(where={"applies_when": {"$ne": "[]"}}):
                key = (name, str(meta.get("entry_id")))
                if key not in entries:
                    entries[key] = ConditionalEntry(
                        name, key[1], str(meta.get("title", "")), load_conditions(str(meta.get("applies_when")))
                    )
        return list(entries.values())


def _passage(collection: str, stored: Stored) -> Passage:
    meta = stored.metadata
    citation = Citation(
        entry_id=str(meta.get("entry_id", "")), title=str(meta.get("title", "")),
        heading=str(meta.get("heading", "")), file=str(meta.get("file", "")), collection=collection,
    )
    return Passage(citation, stored.text, round(stored.similarity, 4))
