"""Passages and their vectors in Chroma: an embedded persistent store by default, a Chroma server when
DEBRIEF_CHROMA_URL is set. Chroma never embeds anything itself here (its default embedder downloads a
model at first use); vectors always come from assistant.playbook.embedding."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.core import PlaybookUnavailable
from assistant.playbook.entries import Chunk

# Telemetry is off in the client settings below; the variable also covers Chroma code that reads
# only the environment.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@dataclass(frozen=True)
class Stored:
    id: str
    text: str
    metadata: dict[str, Any]
    # Cosine similarity to the query, 1 for the same direction.
    similarity: float = 0.0


@contextmanager
def _reported(what: str) -> Iterator[None]:
    """Chroma raises its own and plain exceptions (a server gone, a corrupt store): callers get one
    typed error, which the API answers with 503 and a turn survives without guidance."""
    try:
        yield
    except PlaybookUnavailable:
        raise
    except Exception as exc:
        raise PlaybookUnavailable(f"Chroma failed to {what}: {exc}") from exc


def open_client(path: Path, url: str | None = None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if url:
            parsed = urlparse(url)
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                ssl=parsed.scheme == "https", settings=settings,
            )
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as exc:  # chromadb raises plain exceptions for an unreachable server
        raise PlaybookUnavailable(f"Chroma is not reachable at {url or path}: {exc}") from exc


class PassageIndex:
    """One Chroma collection of passages, all embedded by one embedder. `client` is called on first use,
    so a Chroma server that is down fails the request that needs it, not the service's start."""

    def __init__(self, client: Callable[[], Any], name: str, embedder_name: str) -> None:
        self.name = name
        self._client = client
        self._embedder = embedder_name
        self._collection: Any = None

    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self._open()
        return self._collection

    def _open(self) -> Any:
        try:  # the same translation as _reported, with the collection's name in the message
            client = self._client()
            collection = client.get_or_create_collection(
                self.name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": self._embedder},
            )
            if (collection.metadata or {}).get("embedder") != self._embedder:
                # Vectors from another embedder are not comparable (nor the same length): start over,
                # and the next ingest embeds everything again.
                client.delete_collection(self.name)
                return self._open()
            return collection
        except PlaybookUnavailable:
            raise
        except Exception as exc:
            raise PlaybookUnavailable(f"Chroma collection {self.name} cannot be opened: {exc}") from exc

    def count(self) -> int:
        with _reported("count passages"):
            return int(self.collection().count())

    def hashes(self) -> dict[str, tuple[str, str]]:
        """Every stored passage id with its content hash and source file."""
        with _reported("read stored passages"):
            got = self.collection().get(include=["metadatas"])
        return {
            id_: (str(meta.get("content_hash", "")), str(meta.get("source", "")))
            for id_, meta in zip(got["ids"], got["metadatas"] or [], strict=False)
        }

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        with _reported("store passages"):
            self.collection().upsert(
                ids=[c.id for c in chunks],
                embeddings=[list(v) for v in vectors],
                documents=[c.text for c in chunks],
                metadatas=[{**c.metadata, "content_hash": c.content_hash} for c in chunks],
            )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with _reported("delete passages"):
                self.collection().delete(ids=list(ids))

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[Stored]:
        total = self.count()
        if total == 0 or k <= 0:
            return []
        with _reported("search"):
            got = self.collection().query(
                query_embeddings=[list(vector)], n_results=min(k, total), where=where,
                include=["documents", "metadatas", "distances"],
            )
        return [
            Stored(id_, doc or "", dict(meta or {}), 1.0 - float(dist))
            for id_, doc, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=False
            )
        ]

    def everything(self) -> tuple[list[Stored], Any]:
        """Every passage with its text and metadata, and their vectors (one row each, in that order)."""
        with _reported("read stored passages"):
            got = self.collection().get(include=["documents", "metadatas", "embeddings"])
        passages = [
            Stored(id_, doc or "", dict(meta or {}))
            for id_, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)
        ]
        vectors = got["embeddings"]
        return passages, vectors if vectors is not None else []

    def metadatas(self, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with _reported("read passage metadata"):
            got = self.collection().get(where=where, include=["metadatas"])
        return [dict(m or {}) for m in got["metadatas"] or []]
