"""The recruiting playbook: entries and their conditions, embedding, the Chroma index, search and guidance."""

from __future__ import annotations

from assistant.playbook.chroma import PassageIndex, open_client
from assistant.playbook.embedding import Embedder, HashingEmbedder, make_embedder
from assistant.playbook.entries import discover, read_entry
from assistant.playbook.guidance import GuidanceNote, GuidanceSource, PlaybookGuidance
from assistant.playbook.ingest import ingest
from assistant.playbook.retrieval import Fusion
from assistant.playbook.search import COLLECTIONS, DOCUMENTS, PLAYBOOK, Playbook

__all__ = [
    "COLLECTIONS",
    "DOCUMENTS",
    "Embedder",
    "Fusion",
    "GuidanceNote",
    "GuidanceSource",
    "HashingEmbedder",
    "PLAYBOOK",
    "PassageIndex",
    "Playbook",
    "PlaybookGuidance",
    "discover",
    "ingest",
    "make_embedder",
    "open_client",
    "read_entry",
]
