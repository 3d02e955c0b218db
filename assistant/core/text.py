"""Words as Debrief compares them: one tokeniser, one stemmer and one list of function words, shared by
everything that asks whether two pieces of text speak of the same thing (a draft sentence and the quote
behind it, two sides' remarks, a spec requirement and a debrief quote)."""

from __future__ import annotations

import re
from functools import lru_cache

# Lower-case words and figures; "c++", "c#" and "node.js" stay whole, an apostrophe's "s" goes with it.
_TOKEN = re.compile(r"[a-z0-9]+(?:\+\+|#|\+)?(?:\.[a-z0-9]+)*")

# Function words: they carry no subject, in any of the texts compared.
STOP_WORDS = frozenset("""
a about above after again all also am an and any are as at be because been before being below between
both but by can could did do does doing don't down during each etc eg few for from further had has have
having he her here hers him his how i i'm i've ie if in into is it it's its just let me more most much my
no nor not now of off on once only or other our ours out over own per plus same she should so some such
than that the their theirs them then there these they this those through to too under until up us very
via was we we're we've were what when where which while who whom why will with within would you you're
you've your yours yourself
""".split())  # noqa: SIM905 - a hundred quoted words are unreadable

# Longest first: "presentations" loses "ations", not just "s".
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ness", "ing", "ies", "ied", "ers", "er", "ed", "es",
             "ly", "s")
_MIN_STEM = 3


def words(text: str) -> list[str]:
    """The text's tokens, case and punctuation aside: the form in which reformatting is not a change."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude stem, enough for "presenting" to meet "presentation", "services" "service" and "3+" "3"."""
    word = word.lower().strip("'-")
    if word[:1].isdigit():
        return word.rstrip("+")
    word = word.removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > _MIN_STEM else word
