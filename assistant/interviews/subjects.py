"""What a free-text record item is about: its content words, for telling whether two sides speak of one topic.

"Strong on system design" and "system design too shallow" share their topic and differ in verdict; the
words that only carry the verdict are set aside, so the topic is what is compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words that say how something went rather than what it was about; two items sharing only these are not
# about the same topic ("strong answers" and "weak answers").
_GENERIC = {
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "is", "was", "be", "been",
    "his", "her", "their", "he", "she", "they", "it", "as", "from", "about", "that", "this", "very", "s", "i",
    "him", "them", "we", "our", "you", "me", "my", "not", "no", "but", "so", "too", "just", "only", "also",
    "experience", "experienced", "skill", "skills", "knowledge", "answer", "answers", "answered", "question",
    "questions", "strong", "stronger", "strongest", "good", "great", "excellent", "solid", "weak", "weaker",
    "poor", "limited", "lack", "lacks", "lacking", "little", "some", "bit", "lot", "much", "more", "less",
    "quite", "really", "well", "went", "go", "going", "clear", "clearly", "example", "examples", "ability",
    "level", "area", "areas", "felt", "feel", "think", "thinks", "thought", "worried", "concern", "concerned",
    "concerns", "doubt", "doubts", "around", "story", "stories", "interview", "role", "job", "candidate",
    "team", "work", "working", "struggled", "struggle", "impressed", "liked", "loved", "shown", "showed",
    "enough", "depth", "deep", "shallow", "understanding", "background", "handling", "stuff", "thing", "things",
    "any", "all", "own", "never", "has", "had", "have", "did", "does", "done", "can", "could", "would",
    "will", "new", "how", "what", "when", "why", "who", "up", "out", "over", "under", "into", "than",
    "year", "years", "first", "second", "q", "hm",
}
_SUFFIXES = ("ations", "ation", "ings", "ing", "ments", "ment", "ness", "ies", "es", "ed", "s")


def _stem(word: str) -> str:
    """A crude stem, enough for 'presenting' to meet 'presentation' and 'coroutines' 'coroutine'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def topics(text: str, ignore: Iterable[str] = ()) -> set[str]:
    """The content words of an item, stemmed, without the words that only rate it."""
    skip = _GENERIC | {w.lower() for w in ignore}
    words = re.findall(r"[a-z0-9][a-z0-9+#]*", text.lower())
    return {_stem(w) for w in words if w not in skip and not w.isdigit() and len(w) > 1}


def same_topic(a: str, b: str, ignore: Iterable[str] = ()) -> bool:
    """Most of the shorter item's topics appear in the other: the same point, however worded around it."""
    mine, theirs = topics(a, ignore), topics(b, ignore)
    if not mine or not theirs:
        return False
    return len(mine & theirs) / min(len(mine), len(theirs)) >= 0.5
