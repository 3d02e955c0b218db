"""Fusing the dense and the lexical ranking of passages, and reading the result as a ranking of entries.

Reciprocal rank fusion: a passage scores weight / (K + rank) in each ranking it appears in, so neither
the cosine scale nor the BM25 scale has to be calibrated against the other. An entry scores what its
best passage scores (optionally plus a share of its second best), plus a bonus when its `applies_when`
condition holds for the debrief record.

The weights are the plain ones: equal weights and the usual K. A grid on the tuning half of the retrieval
eval (with entry-level rankings besides) found settings up to 0.04 MRR better there, one or two of 44
situations, and its best did worse on the held-apart half (README "The playbook"): on a set this small,
tuning fits the set, not the task. Only the second-passage share was taken from that grid (0: rank
fusion scores every passage, so a share rewards long entries with two weak passages). Measured again
once entries had situation passages (entries.py), 0 was still the best share on the tuning half, and
fusing rankings of whole entries instead of passages did worse there (docs/playbook.md, "Measured").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The usual constant of reciprocal rank fusion: ranks 1 and 2 differ little, ranks 1 and 30 a lot.
RRF_K = 60
# Passages read from each ranking before fusing.
DEPTH = 30


@dataclass(frozen=True)
class Fused:
    key: str
    score: float


@dataclass(frozen=True)
class Fusion:
    """How the rankings are weighed. The defaults are the ones measured best on the tuning half; the
    retrieval eval sets a weight to 0 to measure one ranking alone."""

    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    # A share of an entry's second-best passage added to its score (see the module's note).
    second_passage_share: float = 0.0
    # A record-specific condition that holds counts as much as a first place in one more ranking.
    condition_weight: float = 1.0

    def fuse(self, dense: Sequence[str], lexical: Sequence[Sequence[str]]) -> list[Fused]:
        """Passage keys, each ranking best first; the fused list is best first. Cosine similarities
        compare across collections, so `dense` is one ranking; BM25 scores do not (each collection has
        its own word statistics), so `lexical` holds one ranking per collection."""
        scores: dict[str, float] = {}
        rankings = [(dense, self.dense_weight), *((keys, self.lexical_weight) for keys in lexical)]
        for keys, weight in rankings:
            if weight == 0:
                continue
            for rank, key in enumerate(keys, start=1):
                scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
        return [Fused(k, s) for k, s in sorted(scores.items(), key=lambda item: item[1], reverse=True)]

    @property
    def condition_bonus(self) -> float:
        return self.condition_weight / (RRF_K + 1)

    def rank_entries(
        self, passages: Sequence[Fused], entry_of: Mapping[str, str], bonus: Mapping[str, float]
    ) -> list[tuple[str, float, list[Fused]]]:
        """(entry, score, its passages best first), best entry first. `bonus` adds to an entry's score,
        and an entry in it is ranked even with no passage found."""
        grouped: dict[str, list[Fused]] = {}
        for passage in passages:
            grouped.setdefault(entry_of[passage.key], []).append(passage)
        for entry in bonus:
            grouped.setdefault(entry, [])
        scored = []
        for entry, found in grouped.items():
            top = [p.score for p in found[:2]] + [0.0, 0.0]
            scored.append((entry, top[0] + self.second_passage_share * top[1] + bonus.get(entry, 0.0), found))
        return sorted(scored, key=lambda item: item[1], reverse=True)
