"""Which sentence of a draft rests on what: each factual sentence is tied to the record value (and its
quote), playbook passage, original spec line or recruiter instruction it repeats; a sentence that
states something none of them says is flagged.

Deterministic on purpose: a small model cannot be trusted to cite itself, and a recruiter needs the
same verdict on the same text every time. A sentence is factual when it carries a figure, a name or
enough content words; pleasantries ("Thanks for your time") need no support.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.core import STOP_WORDS, stem

Status = Literal["supported", "unsupported", "no_claim"]

# Function words and the vocabulary of any professional message: they say nothing about this candidate.
_COMMON = STOP_WORDS | frozenset(
    " ".join([
        "best dear hi hello regards kind kindly wishes sincerely thanks thank thanking time",
        "today week weeks month soon again please feel free reach out touch keep let know hear hope hoping",
        "look looking forward glad happy pleased delighted sorry unfortunately wanted want share sharing",
        "update updates feedback interview interviews interviewed role position opportunity opportunities",
        "process team teams company candidate application applying applied discuss discussed call chat speak",
        "spoke meeting meet met following next step steps further note notes write writing get got go going",
        "make made take took give gave see seen think thought really well good great many much every one two",
        "first like would could might may must shall also however subject appreciate appreciated appreciation",
        "effort efforts regarding regard concern concerns lack encountered encourage encouraged wish wishing",
        "luck future decision decided decide moving move proceed pleasure point points area areas mention",
        "mentioned said say felt noted highlighted particular particularly especially experience experiences",
        "apply reached reaching back able unable continue continued confirm confirmed sure certainly",
        "definitely truly email find finds question questions assist anything else help believe moment",
        "consideration recent several key hey ahead shortly quick quickly short",
    ]).split()  # noqa: SIM905 - a list of 200 quoted words is unreadable
)

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'+#-]*|\d[\d,.]*[kKmM]?")
MIN_CONTENT_WORDS = 2
MIN_SHARE = 0.6


@dataclass(frozen=True)
class Source:
    ref: str  # "strengths[0]", "playbook:silent-client", "spec:line 4", "instructions"
    # "shape": the draft type's own wording (its prompt); known words, but never cited as a reference.
    kind: Literal["record", "playbook", "spec", "instructions", "names", "shape"]
    text: str
    quote: str | None = None


@dataclass
class SentenceSupport:
    start: int
    end: int
    text: str
    status: Status
    refs: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def _stem(word: str) -> str:
    # Cut to seven letters as well: "manag" and "management" meet, as a draft rewords a quote.
    return stem(word)[:7]


def _number(token: str) -> str | None:
    if not token[0].isdigit():
        return None
    digits = token.rstrip("kKmM").replace(",", "").rstrip(".")
    try:
        value = float(digits)
    except ValueError:
        return None
    scale = {"k": 1_000, "m": 1_000_000}.get(token[-1].lower(), 1)
    return f"{value * scale:g}"


@dataclass(frozen=True)
class _Terms:
    numbers: frozenset[str]
    names: frozenset[str]
    words: frozenset[str]


def _terms(text: str, find_names: bool = False) -> _Terms:
    numbers, names, words = set(), set(), set()
    for i, match in enumerate(_TOKEN.finditer(text)):
        token = match.group(0)
        number = _number(token)
        if number is not None:
            numbers.add(number)
            continue
        lower = token.lower().removesuffix("'s").strip("'-")
        if lower in _COMMON or len(lower) < 3:
            continue
        # A capitalised word inside a sentence is a name or a product: it must appear in a source.
        if find_names and i > 0 and token[0].isupper() and not _follows_stop(text, match.start()):
            names.add(lower)
        words.add(_stem(lower))
    return _Terms(frozenset(numbers), frozenset(names), frozenset(words))


def _follows_stop(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:;-*\n"


def sentences(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        stripped = raw.strip()
        if stripped and not re.fullmatch(r"\d{1,2}[.)]", stripped):  # a numbered list's marker alone
            start = match.start() + raw.index(stripped)
            spans.append((start, start + len(stripped), stripped))
    return spans


def ground(text: str, sources: Sequence[Source]) -> list[SentenceSupport]:
    indexed = [(source, _terms(f"{source.text} {source.quote or ''}")) for source in sources]
    known_numbers = set().union(*(t.numbers for _, t in indexed)) if indexed else set()
    known_words = set().union(*(t.words for _, t in indexed)) if indexed else set()
    known_names = {
        w for s, _ in indexed for w in re.findall(r"[a-z][a-z'+#-]*", f"{s.text} {s.quote or ''}".lower())
    }
    out = []
    for start, end, sentence in sentences(text):
        terms = _terms(_LIST_MARKER.sub("", sentence), find_names=True)
        if not terms.numbers and not terms.names and len(terms.words) < MIN_CONTENT_WORDS:
            out.append(SentenceSupport(start, end, sentence, "no_claim"))
            continue
        missing = sorted(n for n in terms.numbers if n not in known_numbers)
        missing += sorted(n for n in terms.names if n not in known_names)
        unknown_words = sorted(w for w in terms.words if w not in known_words)
        share = 1 - len(unknown_words) / len(terms.words) if terms.words else 1.0
        refs = _best_refs(terms, indexed)
        if missing or share < MIN_SHARE or not refs:
            out.append(SentenceSupport(start, end, sentence, "unsupported", refs, missing + unknown_words))
        else:
            out.append(SentenceSupport(start, end, sentence, "supported", refs))
    return out


def _best_refs(terms: _Terms, indexed: Sequence[tuple[Source, _Terms]]) -> list[str]:
    """The sources sharing the most with the sentence: figures and names count double."""
    scored = []
    for source, known in indexed:
        if source.kind == "shape":
            continue
        score = len(terms.words & known.words) + 2 * len(terms.numbers & known.numbers)
        score += 2 * len({_stem(n) for n in terms.names} & known.words)
        if score:
            scored.append((score, source.kind != "record", source.ref))
    scored.sort(key=lambda s: (-s[0], s[1]))
    if not scored:
        return []
    top = scored[0][0]
    return [ref for score, _, ref in scored if score >= max(1, top // 2)][:3]
