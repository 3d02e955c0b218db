"""Bringing files into a passage index, incrementally: a passage whose text and metadata are unchanged
keeps its stored vector, a changed one is embedded again, and one whose file or section is gone is
deleted. Re-running an ingest over an unchanged folder therefore embeds nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.playbook.chroma import PassageIndex
from assistant.playbook.embedding import Embedder
from assistant.playbook.entries import Chunk, read_chunks

BATCH = 64
# Called with (passages embedded so far, passages to embed in all).
Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    collection: str
    files: int = 0
    entries: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def embedded(self) -> int:
        return self.added + self.updated


def ingest(
    index: PassageIndex, embedder: Embedder, paths: Sequence[Path], progress: Progress | None = None
) -> IngestReport:
    report = IngestReport(collection=index.name)
    chunks: dict[str, Chunk] = {}
    for entry, entry_chunks in read_chunks(paths):
        report.files += 1
        report.entries.append(entry.id)
        for chunk in entry_chunks:
            chunks[chunk.id] = chunk

    stored = index.hashes()
    roots = [str(p.resolve()) for p in paths]
    todo = [c for c in chunks.values() if stored.get(c.id, ("", ""))[0] != c.content_hash]
    report.updated = sum(1 for c in todo if c.id in stored)
    report.added = len(todo) - report.updated
    report.unchanged = len(chunks) - len(todo)
    # Only passages from files under the paths given are this ingest's to delete: ingesting one more
    # document must not remove the ones ingested before from elsewhere.
    stale = [id_ for id_, (_, source) in stored.items() if id_ not in chunks and _under(source, roots)]
    index.delete(stale)
    report.removed = len(stale)

    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        index.upsert(batch, embedder.embed([c.embedded_text for c in batch]))
        if progress:
            progress(start + len(batch), len(todo))
    return report


def _under(source: str, roots: Sequence[str]) -> bool:
    return any(source == root or source.startswith(root.rstrip("/") + "/") for root in roots)
