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
# Words of conversation rather than of topic: a question typed in chat is full of them ("I just really
# need to get this sorted, ok?"), and the playbook's prose has its share, so they matched passages that
# share nothing but the register.
_FILLER = """
actually anyway bit get getting got gonna just kind lot maybe ok okay pretty quite really sort still even
also stuff thing things
"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split()) | frozenset(_FILLER.split())
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
    """BM25 over a fixed set of documents, built once in memory; rebuilt when the documents change.
    Each term's postings hold its documents and their BM25 weights, precomputed, so a query is a few
    vector additions however many passages there are."""

    def __init__(self, documents: Iterable[tuple[str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        import numpy as np

        self.keys: list[str] = []
        counted_docs: list[Counter[str]] = []
        for key, text in documents:
            self.keys.append(key)
            counted_docs.append(Counter(terms(text)))
        lengths = [sum(c.values()) for c in counted_docs]
        total = len(self.keys)
        average = (sum(lengths) / total) if total else 1.0
        found: dict[str, tuple[list[int], list[float]]] = {}
        for number, counted in enumerate(counted_docs):
            norm = k1 * (1 - b + b * lengths[number] / (average or 1.0))
            for term, count in counted.items():
                docs, weights = found.setdefault(term, ([], []))
                docs.append(number)
                weights.append(count * (k1 + 1) / (count + norm))
        self._postings = {
            term: (np.array(docs, dtype=np.int64),
                   np.array(weights, dtype=np.float64) * math.log(1 + (total - len(docs) + 0.5) / (len(docs) + 0.5)))
            for term, (docs, weights) in found.items()
        }

    def __len__(self) -> int:
        return len(self.keys)

    def search(self, query: str, k: int, allowed: Sequence[str] | None = None) -> list[Scored]:
        """The k best-matching documents, best first; only those whose key is in `allowed` when given."""
        import numpy as np

        if k <= 0 or not self.keys:
            return []
        scores = np.zeros(len(self.keys))
        for term in set(terms(query)):
            if term in self._postings:
                docs, weights = self._postings[term]
                scores[docs] += weights
        if allowed is not None:
            keep = set(allowed)
            scores[[n for n, key in enumerate(self.keys) if key not in keep]] = 0.0
        matched = np.flatnonzero(scores > 0)
        if len(matched) > k:
            matched = matched[np.argpartition(-scores[matched], k - 1)[:k]]
        best = sorted(matched.tolist(), key=lambda n: (-scores[n], n))
        return [Scored(self.keys[n], float(scores[n])) for n in best]
