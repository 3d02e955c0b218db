"""Word-matching search over passages (Okapi BM25), the lexical half of playbook retrieval.

Dense vectors find advice phrased differently from the question; word matching finds the passage that
uses the recruiter's own rare words ("counter-offer", "references", "reject") even when a small embedder
blurs them. The two rankings are fused in assistant/retrieval.py.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Common English function words: they match everything and so rank nothing.
_STOP_WORD_LIST = """
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
now of off on once only or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())
_WORD = re.compile(r"[a-z0-9]+")
# Longest first, so "ings" is tried before "s".
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ies", "ied", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A light suffix strip, so "rejected", "rejecting" and "rejects" meet on "reject"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            root = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return root + "y"
            return root
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


@dataclass(frozen=True)
class Scored:
    key: str
    score: float


class LexicalIndex:
    """BM25 over a fixed set of documents, built once in memory; rebuilt when the documents change."""

    def __init__(self, documents: Iterable[tuple[str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        self._k1 = k1
        self._b = b
        self.keys: list[str] = []
        self._lengths: list[int] = []
        postings: dict[str, list[tuple[int, int]]] = {}
        for number, (key, text) in enumerate(documents):
            counted = Counter(terms(text))
            self.keys.append(key)
            self._lengths.append(sum(counted.values()))
            for term, count in counted.items():
                postings.setdefault(term, []).append((number, count))
        self._postings = postings
        total = len(self.keys)
        self._average = (sum(self._lengths) / total) if total else 0.0
        self._idf = {
            term: math.log(1 + (total - len(found) + 0.5) / (len(found) + 0.5)) for term, found in postings.items()
        }

    def __len__(self) -> int:
        return len(self.keys)

    def search(self, query: str, k: int, allowed: Sequence[str] | None = None) -> list[Scored]:
        """The k best-matching documents, best first; only those whose key is in `allowed` when given."""
        scores: dict[int, float] = {}
        average = self._average or 1.0
        for term in set(terms(query)):
            idf = self._idf.get(term)
            if idf is None:
                continue
            for number, count in self._postings[term]:
                norm = count + self._k1 * (1 - self._b + self._b * self._lengths[number] / average)
                scores[number] = scores.get(number, 0.0) + idf * count * (self._k1 + 1) / norm
        if allowed is not None:
            keep = set(allowed)
            scores = {n: s for n, s in scores.items() if self.keys[n] in keep}
        best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]
        return [Scored(self.keys[n], score) for n, score in best]
