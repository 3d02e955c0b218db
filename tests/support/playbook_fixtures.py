"""Small playbooks written by the tests, and an embedder that counts what it is asked to embed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.playbook.embedding import HashingEmbedder


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return super().embed(texts)


def write_entry(
    folder: Path, name: str, entry_id: str, sections: dict[str, str], applies_when: str = "", summary: str = ""
) -> Path:
    front = f"---\nid: {entry_id}\ntitle: {entry_id.replace('-', ' ').title()}\n"
    if summary:
        front += f"summary: {summary}\n"
    if applies_when:
        front += f"applies_when:\n{applies_when}\n"
    body = "".join(f"## {heading}\n{text}\n\n" for heading, text in sections.items())
    path = folder / name
    path.write_text(f"{front}---\n# {entry_id}\n\n{body}", encoding="utf-8")
    return path
