"""Where a remark on a protected characteristic stands in the recruiter's words.

The model picks a remark such as "asked how old he was" out of a message as often as not: it files it
under concerns, keeps a fragment of it, flags the recruiter's later mention ("after the age stuff")
instead of the remark itself, or passes it over. The gate therefore reads the recruiter's words
around what the model picked, and every sentence of a new message, with the same lexicon that
blocks a draft (assistant.compliance), so that one remark ends up as one flag whatever the model did.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.compliance import characteristics_in
from assistant.conversation.untrusted import overlaps
from assistant.core import Located, locate

# A sentence ends at its closing punctuation (and any closing quote) or a line break; "..." in
# "interest... says" ends one too, since recruiters use it as a full stop.
_SENTENCE_END = re.compile(r"[.!?;]+['\"\u2019\u201d)]*(?=\s|$)|\n+")
# A clause also ends at a comma or a dash: "never worked in primary care, and at her age..." holds a
# judgement and a remark that are not one another's reasons.
_CLAUSE_END = re.compile(r"[,;!?\n(){}\[\]]|\.(?:\s|$)|\s[-\u2013\u2014]\s")
# The parts of one sentence: its clauses, and what "and" or "but" joins.
_PART_END = re.compile(r"[,;:()]|\s[-\u2013\u2014]\s|\s(?:and|but)\s", re.IGNORECASE)
_TRIM = " \t\n'\"\u2018\u2019\u201c\u201d"
_QUOTE_MARKS = "'\"\u2018\u2019\u201c\u201d"
# A remark longer than this is told by its clause: a flag is read at a glance.
MAX_REMARK_CHARS = 240


def _around(text: str, start: int, end: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    found = list(breaks.finditer(text))
    left = max((b.end() for b in found if b.end() <= start), default=0)
    right = min((b.start() for b in found if b.start() >= end), default=len(text))
    while left < right and text[left] in _TRIM:
        left += 1
    return min(left, start), max(right, end)


def _span(located: Located, messages: list[str], breaks: re.Pattern[str]) -> Located:
    text = messages[located.message_index]
    start, end = _around(text, located.start, located.end, breaks)
    return Located(located.message_index, start, end, text[start:end])


def clause_of(located: Located, messages: list[str]) -> Located:
    return _span(located, messages, _CLAUSE_END)


def _units(sentence: Located) -> list[Located]:
    """A sentence holding two remarks ("asked where she's really from and whether she'd wear the
    headscarf") is two flags, one per part that touches a characteristic on its own, and so is a sentence
    that runs on; otherwise the sentence is one remark."""
    parts = [p for p in _pieces(sentence.message_index, sentence.text, sentence.start, _PART_END)
             if characteristics_in(p.text)]
    if len(parts) >= 2 or (parts and len(sentence.text) > MAX_REMARK_CHARS):
        return parts
    return [sentence]


def remark_around(located: Located, messages: list[str]) -> Located:
    """The remark a quote belongs to: the part of its sentence that it overlaps, or the sentence."""
    sentence = _span(located, messages, _SENTENCE_END)
    for unit in _units(sentence):
        if overlaps((unit.start, unit.end), [(located.start, located.end)]):
            return unit
    return sentence if len(sentence.text) <= MAX_REMARK_CHARS else clause_of(located, messages)


def _pieces(message_index: int, text: str, offset: int, breaks: re.Pattern[str]) -> Iterator[Located]:
    """The spans between breaks, without them: a sentence's full stop, a part's "and"."""
    start = 0
    found = [(m.start(), m.end()) for m in breaks.finditer(text)]
    for stop, resume in [*found, (len(text), len(text))]:
        left, right = start, stop
        while left < right and text[left] in _TRIM:
            left += 1
        while right > left and (text[right - 1].isspace() or text[right - 1] in ",-"):
            right -= 1
        if right > left:
            yield Located(message_index, offset + left, offset + right, text[left:right])
        start = resume


def remarks_in(
    message_index: int, text: str, untrusted: list[tuple[int, int]]
) -> Iterator[tuple[Located, list[str]]]:
    """Each remark that touches a protected characteristic, with the characteristics, outside pasted
    text that gives instructions: that is never evidence, for a flag either."""
    for sentence in _pieces(message_index, text, 0, _SENTENCE_END):
        if not characteristics_in(sentence.text):
            continue
        for unit in _units(sentence):
            found = characteristics_in(unit.text)
            if found and not overlaps((unit.start, unit.end), untrusted):
                yield unit, found


def _one_of_several(located: Located, messages: list[str]) -> bool:
    """Whether the remark is one part of a sentence that holds several ("asked how old he was, said
    'you look about 19' and that the older trades 'won't take orders off a kid'")."""
    units = _units(_span(located, messages, _SENTENCE_END))
    return len(units) >= 2 and any((u.start, u.end) == (located.start, located.end) for u in units)


def _quoted(text: str) -> list[tuple[int, int]]:
    """Spans of the words the recruiter quotes: from a quote mark that opens a word to the next one that
    closes one, so the apostrophes of "can't" and "she's" neither open nor close a quote."""
    spans: list[tuple[int, int]] = []
    start = None
    for i, char in enumerate(text):
        if char not in _QUOTE_MARKS:
            continue
        opens = (i == 0 or text[i - 1].isspace() or text[i - 1] in "([") and i + 1 < len(text) and (
            not text[i + 1].isspace())
        closes = i > 0 and not text[i - 1].isspace() and (i + 1 == len(text) or not text[i + 1].isalnum())
        if start is None and opens:
            start = i
        elif start is not None and closes:
            spans.append((start, i + 1))
            start = None
    return spans


def _utterance(located: Located, quoted: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Of its message's `quoted` spans, the one a remark lies within, if any: one speaker's one
    utterance."""
    return next((span for span in quoted if span[0] <= located.start and located.end <= span[1]), None)


def same_remark(located: Located, evidence: list[str], messages: list[str]) -> bool:
    """Whether the located remark is already flagged: one remark is one flag, however many pieces of it
    the model picked out. It is when a flag's quote overlaps it. Otherwise, a sentence whose
    characteristics the flags already name is taken to be about a remark already flagged ("he wants to
    sleep on it after the age stuff"). A part of a sentence that holds several remarks is a remark of
    its own unless it and a flag on its characteristics lie in one quoted utterance ("'they'll want
    kids, and we can't cover maternity'" is one remark): two questions, or two quoted remarks, are
    two flags even on the same characteristic."""
    named: set[str] = set()
    in_utterance: set[str] = set()
    quoted = _quoted(messages[located.message_index])
    utterance = _utterance(located, quoted)
    for quote in evidence:
        seen = locate(quote, messages)
        if seen is None:
            continue
        here = seen.message_index == located.message_index
        if here and overlaps((seen.start, seen.end), [(located.start, located.end)]):
            return True
        found = characteristics_in(seen.text)
        named.update(found)
        if here and utterance is not None and _utterance(seen, quoted) == utterance:
            in_utterance.update(found)
    found = characteristics_in(located.text)
    if not found:
        return False
    return set(found) <= (in_utterance if _one_of_several(located, messages) else named)
