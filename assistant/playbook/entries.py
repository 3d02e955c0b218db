"""Playbook entries and a recruiter's own documents, read from disk and cut into passages by heading.

A passage (a Chunk) is what gets embedded, retrieved and cited: one section under one heading, or a
piece of it when a section is longer than the embedder reads. An entry with a `summary` in its front
matter has one more passage, its situation: the title, the summary and the applies_when conditions in
words. Sections say what to do, in the playbook's words; the situation says when, in the recruiter's,
and a question about that situation finds the entry through it. It is searched, never shown.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from assistant.core import InvalidInput
from assistant.playbook.conditions import Condition, dump_conditions, in_words, parse_conditions

SUFFIXES = (".md", ".markdown", ".txt")
HEADINGS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
# all-MiniLM-L6-v2 reads 256 word pieces, about 1,000 characters of English; longer text is cut off
# unseen, so longer sections are split with an overlap.
MAX_CHARS = 1000
OVERLAP = 120
# libyaml's loader when present: five times faster, which a no-change re-ingest of thousands of files feels.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The heading a situation passage is cited under, and the metadata flag that marks one.
SITUATION = "When this applies"
SITUATION_KEY = "situation"
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    file: str
    body: str
    # The file's absolute path: re-ingesting a folder deletes the passages of files no longer in it.
    source: str = ""
    side: str = "both"
    tags: tuple[str, ...] = ()
    applies_when: tuple[Condition, ...] = ()
    # When the entry helps, in the words a recruiter would use for the situation (front matter).
    summary: str = ""


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    entry_id: str
    title: str
    heading: str
    file: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def embedded_text(self) -> str:
        """What the embedder sees: the entry title and heading give a bare paragraph its topic."""
        return f"{self.title}. {self.heading}.\n{self.text}"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(
            "\x1f".join([self.embedded_text, repr(sorted(self.metadata.items()))]).encode()
        ).hexdigest()


def discover(paths: Iterable[Path]) -> list[Path]:
    """The markdown and text files at or under the given paths, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidInput(f"no such file or folder: {path}")
    return found


def read_entry(path: Path, root: Path | None = None) -> Entry:
    """Front matter (id, title, applies_when, side, tags) is optional: a plain file is an entry named
    after the file. Only the front matter sets conditions; nothing in the body is read as one."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        loaded = yaml.load(match.group(1), Loader=_LOADER)  # noqa: S506  (a safe loader either way)
        if not isinstance(loaded, dict):
            raise InvalidInput(f"{path}: front matter must be a mapping")
        meta = loaded
        text = text[match.end():]
    path = path.resolve()
    relative = str(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
    h1 = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    try:
        conditions = parse_conditions(meta.get("applies_when"))
    except ValueError as exc:
        raise InvalidInput(f"{path}: {exc}") from exc
    return Entry(
        id=str(meta.get("id") or path.stem),
        title=str(meta.get("title") or (h1.group(1).strip() if h1 else path.stem)),
        file=relative,
        body=text,
        source=str(path),
        side=str(meta.get("side") or "both"),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        applies_when=conditions,
        summary=" ".join(str(meta.get("summary") or "").split()),
    )


def split_entry(entry: Entry) -> list[Chunk]:
    sections = MarkdownHeaderTextSplitter(HEADINGS, strip_headers=True).split_text(entry.body)
    pieces = RecursiveCharacterTextSplitter(chunk_size=MAX_CHARS, chunk_overlap=OVERLAP)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section in sections:
        heading = _heading(section.metadata, entry.title)
        text = section.page_content
        # Most sections fit whole; the character splitter costs more than everything else in a re-ingest.
        for part in [text] if len(text) <= MAX_CHARS else pieces.split_text(text):
            # Ids follow the heading, not the position, so adding a section elsewhere in the file
            # leaves every other passage's id (and so its stored vector) as it was.
            key = f"{entry.id}::{heading}"
            seen[key] = seen.get(key, 0) + 1
            chunk_id = hashlib.sha1(f"{entry.file}\x1f{key}\x1f{seen[key]}".encode()).hexdigest()[:20]
            chunks.append(Chunk(
                id=chunk_id, text=part.strip(), entry_id=entry.id, title=entry.title, heading=heading,
                file=entry.file, metadata=_metadata(entry, heading),
            ))
    chunks = [c for c in chunks if c.text]
    if entry.summary:
        chunks.append(_situation(entry))
    return chunks


def _situation(entry: Entry) -> Chunk:
    conditions = in_words(entry.applies_when)
    text = entry.summary + (f"\nIt applies when {conditions}." if conditions else "")
    chunk_id = hashlib.sha1(f"{entry.file}\x1f{entry.id}\x1f{SITUATION_KEY}".encode()).hexdigest()[:20]
    return Chunk(
        id=chunk_id, text=text, entry_id=entry.id, title=entry.title, heading=SITUATION, file=entry.file,
        metadata={**_metadata(entry, SITUATION), SITUATION_KEY: True},
    )


def read_chunks(paths: Iterable[Path]) -> Iterator[tuple[Entry, list[Chunk]]]:
    for root in paths:
        base = (root if root.is_dir() else root.parent).resolve()
        for path in discover([root]):
            entry = read_entry(path, base)
            yield entry, split_entry(entry)


def _heading(metadata: dict[str, str], title: str) -> str:
    # The deepest heading names the section; a file without headings is cited by its title.
    for level in ("h3", "h2", "h1"):
        if metadata.get(level):
            return metadata[level]
    return title


def _metadata(entry: Entry, heading: str) -> dict[str, Any]:
    return {
        "entry_id": entry.id, "title": entry.title, "heading": heading, "file": entry.file,
        "source": entry.source,
        "side": entry.side, "tags": ",".join(entry.tags),
        "applies_when": dump_conditions(entry.applies_when),
    }
