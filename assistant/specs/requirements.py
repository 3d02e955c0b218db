"""A job spec as a list of requirements, and the words that make two requirements (or a requirement and
a debrief quote) about the same thing.

Specs arrive as markdown, as plain text pasted from an email, or as a mix: bullets and numbered lines
are one requirement each, prose paragraphs are split into sentences, and headings are kept only as the
section a requirement sits in (a skill moving from "Nice to have" to "Must have" is a change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.core import STOP_WORDS, stem, words

_BULLET = re.compile(r"^\s*(?:[-*+\u2022\u00b7\u25aa\u2023\u25e6\u2013]|\d{1,3}[.)]|[a-z]\))\s+(?:\[[ xX]\]\s+)?")
_RULE = re.compile(r"^\s*([-*_=])(?:\s*\1){2,}\s*$")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*:?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"')\u201d]?)\s+(?=[\"'(\u201c]?[A-Z0-9])")
_ABBREVIATIONS = {"e.g", "i.e", "etc", "vs", "incl", "approx", "min", "max", "no", "dr", "mr", "mrs", "ms", "st", "jr"}
_HEADING_WORDS = 8


@dataclass(frozen=True)
class Requirement:
    text: str
    section: str | None  # the nearest heading above it, if any


def requirements(spec: str) -> list[str]:
    return [item.text for item in requirement_items(spec)]


def requirement_items(spec: str) -> list[Requirement]:
    items: list[Requirement] = []
    section: str | None = None
    paragraph: list[str] = []
    bullet: list[str] | None = None

    def flush() -> None:
        nonlocal bullet
        if bullet is not None:
            _keep(items, " ".join(bullet), section)
            bullet = None
        if paragraph:
            for sentence in _sentences(" ".join(paragraph)):
                _keep(items, sentence, section)
            paragraph.clear()

    for line in spec.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if not stripped or _FENCE.match(line) or _TABLE_RULE.match(line):
            flush()
        elif _RULE.match(line):
            # Setext: a one-line paragraph underlined with === or --- is a heading, not prose.
            if len(paragraph) == 1 and bullet is None and stripped[0] in "=-":
                section = _clean(paragraph.pop())
            flush()
        elif _ATX.match(line) or _BOLD_LINE.match(line):
            flush()
            section = _clean(_ATX.sub("", line).strip(" #")).rstrip(":") or section
        elif _BULLET.match(line):
            flush()
            rest = _BULLET.sub("", line)
            if _is_label(rest.strip(), alone=False):
                section = _clean(rest).rstrip(":")
            else:
                bullet = [rest]
        elif _is_label(stripped, alone=bullet is None and not paragraph):
            flush()
            section = _clean(stripped).rstrip(":")
        elif bullet is not None:
            bullet.append(stripped)  # a bullet wrapped onto the next line
        else:
            paragraph.append(stripped)
    flush()
    return items


def _is_label(line: str, alone: bool) -> bool:
    """A short line introducing what follows ("Must have:", "REQUIREMENTS") rather than stating a requirement.

    Capitals count only on a line standing alone: a bullet "AWS" is a requirement, not a heading."""
    if not line or len(line.split()) > _HEADING_WORDS:
        return False
    letters = [c for c in line if c.isalpha()]
    return line.endswith(":") or (alone and len(letters) > 3 and all(c.isupper() for c in letters))


def _keep(items: list[Requirement], text: str, section: str | None) -> None:
    text = _clean(text).rstrip(";,")
    if any(c.isalnum() for c in text):
        items.append(Requirement(text, section))


def _clean(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"\*\*|__|`", "", text).strip().strip("|").strip()
    return re.sub(r"\s+", " ", text)


def _sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(paragraph):
        end = boundary.end(1)
        last_word = paragraph[start:end].rstrip("\"')\u201d").rsplit(None, 1)[-1].lower().rstrip(".!?")
        # "e.g. Kafka" and initials ("J. Smith") do not end a sentence.
        if last_word.lstrip("(") in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        out.append(paragraph[start:end].strip())
        start = boundary.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


# ---- Words: what two requirements, or a requirement and a quote, have in common ----

_STOP = STOP_WORDS | {"e.g", "i.e"}
# Words every job spec and every debrief is full of: sharing them says nothing about the requirement.
_GENERIC_WORDS = (
    "experience experienced years year yrs strong solid good great excellent proven demonstrable skill skills "
    "knowledge understanding familiarity familiar required requirement requirements require requires must should "
    "nice desirable essential preferred ideally ideal bonus role candidate candidates someone somebody person "
    "want wants wanted need needs needed looking client minimum least able ability across using use well new"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())
# Recruiter and engineering shorthand, so "run k8s in prod" meets "Kubernetes in production".
_ALIASES = {
    "k8s": "kubernetes", "prod": "production", "js": "javascript", "ts": "typescript", "postgres": "postgresql",
    "mgmt": "management", "exp": "experience", "yrs": "years", "py": "python", "infra": "infrastructure",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10",
}
_MIN_PREFIX = 4


@lru_cache(maxsize=4096)  # every requirement is compared with every other one
def content_stems(text: str) -> frozenset[str]:
    """Stems of the words that carry meaning: stop words and job-spec boilerplate removed."""
    return frozenset(
        stem(word) for word in (_ALIASES.get(w, w) for w in words(text)) if word not in _STOP and word not in _GENERIC
    )


def same_stem(a: str, b: str) -> bool:
    """Equal stems, or one a long enough prefix of the other ("manag" / "management")."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return not short[0].isdigit() and len(short) >= _MIN_PREFIX and long.startswith(short)


def shared(a: frozenset[str], b: frozenset[str]) -> int:
    """How many stems of `a` have a match in `b`."""
    starts = _by_start(b)
    return len(a & b) + sum(
        1 for x in a - b if any(same_stem(x, y) for y in starts.get(x[:_MIN_PREFIX], ()))
    )


@lru_cache(maxsize=4096)
def _by_start(stems: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Stems grouped by their first letters: only stems sharing those can be prefixes of each other."""
    groups: dict[str, list[str]] = {}
    for stem_ in stems:
        groups.setdefault(stem_[:_MIN_PREFIX], []).append(stem_)
    return {start: tuple(group) for start, group in groups.items()}
