"""Drafts a recruiter approves: the writer, disclosure, grounding, review, approval and export."""

from __future__ import annotations

from assistant.drafting.drafts import Draft, Drafts, DraftVersion
from assistant.drafting.writer import KINDS, DraftKind, DraftWriter

__all__ = [
    "Draft",
    "DraftKind",
    "DraftVersion",
    "DraftWriter",
    "Drafts",
    "KINDS",
]
