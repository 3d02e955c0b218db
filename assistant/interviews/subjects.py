"""What a free-text record item is about: its content words, for telling whether two sides speak of one topic.

"Strong on system design" and "system design too shallow" share their topic and differ in verdict; the
words that only carry the verdict are set aside, so the topic is what is compared.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.core import STOP_WORDS, stem, words

# Words that say how something went rather than what it was about; two items sharing only these are not
# about the same topic ("strong answers" and "weak answers").
_GENERIC = STOP_WORDS | {
    "s", "experience", "experienced", "skill", "skills", "knowledge", "answer", "answers", "answered", "question",
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


def topics(text: str, ignore: Iterable[str] = ()) -> set[str]:
    """The content words of an item, stemmed, without the words that only rate it."""
    skip = _GENERIC | {w.lower() for w in ignore}
    return {stem(w) for w in words(text) if w not in skip and not w.isdigit() and len(w) > 1}


def same_topic(a: str, b: str, ignore: Iterable[str] = ()) -> bool:
    """Most of the shorter item's topics appear in the other: the same point, however worded around it."""
    mine, theirs = topics(a, ignore), topics(b, ignore)
    if not mine or not theirs:
        return False
    return len(mine & theirs) / min(len(mine), len(theirs)) >= 0.5
