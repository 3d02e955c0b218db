"""The evidence gate: a value is stored only when its quote is found in what the recruiter wrote."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
})
_EDGE = " \t\n\"'.,;:!?()[]{}-"
MIN_QUOTE_CHARS = 2


def normalise(text: str) -> str:
    """Case, whitespace and typographic quotes/dashes do not count as differences."""
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip().lower()


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index it came from in `text`."""
    out: list[str] = []
    index: list[int] = []
    folded = text.translate(_FOLD)
    pending_space = False
    for i, char in enumerate(folded):
        if char.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            index.append(i - 1)
            pending_space = False
        out.append(char.lower())
        index.append(i)
    return "".join(out), index


@dataclass(frozen=True)
class Located:
    """Where a quote stands: which message, and the character span in its original text."""

    message_index: int
    start: int
    end: int
    text: str  # the span exactly as the recruiter wrote it


def locate(quote: str, messages: list[str]) -> Located | None:
    """Find the quote in the messages, newest first, returning the verbatim span it matches."""
    needle = normalise(quote).strip(_EDGE)
    if len(needle) < MIN_QUOTE_CHARS:
        return None
    for message_index in range(len(messages) - 1, -1, -1):
        original = messages[message_index]
        haystack, index = _normalise_with_map(original)
        at = haystack.find(needle)
        if at >= 0:
            start, end = index[at], index[at + len(needle) - 1] + 1
            return Located(message_index, start, end, original[start:end])
    return None
