"""Retrieval eval: do recruiter situations bring back the right playbook entries?

    python -m evals.retrieval [--embedder minilm-l6-int8|paraphrase-minilm-l3|hash]
                              [--ranking hybrid|dense|lexical] [--verbose] [--json]

The playbook is ingested into a throwaway Chroma folder with the chosen embedder, every situation in
evals/datasets/retrieval/*.yaml is asked as a recruiter would type it, and the entries that come back are
the ranking scored. Prints hit@1, hit@3 and MRR for each half of the set: `tuning` (situations.yaml, on
which retrieval weights may be chosen) and `held-apart` (held-apart.yaml, never used for that).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.core import Settings
from assistant.playbook import PLAYBOOK, Embedder, Fusion, Playbook

DATASET = Path(__file__).resolve().parent / "datasets" / "retrieval"
# Entries ranked per situation: past ten, a recruiter would not read on.
DEPTH = 10
SPLITS = ("tuning", "held-apart")
RANKINGS = {
    "hybrid": Fusion(),
    "dense": Fusion(lexical_weight=0.0),
    "lexical": Fusion(dense_weight=0.0),
}


@dataclass(frozen=True)
class Situation:
    id: str
    query: str
    relevant: tuple[str, ...]
    split: str = "tuning"


@dataclass(frozen=True)
class Result:
    situation: Situation
    ranking: tuple[str, ...]
    seconds: float

    @property
    def rank(self) -> int | None:
        """1-based rank of the first relevant entry, or None when none came back."""
        return next((n for n, entry in enumerate(self.ranking, start=1) if entry in self.situation.relevant), None)


def load_situations(folder: Path = DATASET) -> list[Situation]:
    situations = []
    for path in sorted(folder.glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        split = str(loaded.get("split", "tuning"))
        if split not in SPLITS:
            raise ValueError(f"{path}: split must be one of {', '.join(SPLITS)}, not {split!r}")
        for raw in loaded["situations"]:
            situations.append(Situation(str(raw["id"]), str(raw["query"]), tuple(raw["relevant"]), split))
    return situations


def evaluate(playbook: Playbook, situations: list[Situation]) -> list[Result]:
    results = []
    for situation in situations:
        started = time.perf_counter()
        advice = playbook.advise(situation.query, DEPTH, [PLAYBOOK])
        seconds = time.perf_counter() - started
        results.append(Result(situation, tuple(a.entry_id for a in advice), seconds))
    return results


def metrics(results: list[Result]) -> dict[str, float]:
    ranks = [r.rank for r in results]
    count = len(results) or 1
    return {
        "situations": len(results),
        "hit@1": sum(1 for r in ranks if r == 1) / count,
        "hit@3": sum(1 for r in ranks if r is not None and r <= 3) / count,
        "mrr": sum(1 / r for r in ranks if r is not None) / count,
    }


@dataclass(frozen=True)
class RetrievalRun:
    embedder: str
    ranking: str
    passages_embedded: int
    ingest_seconds: float
    results: list[Result]
    # All situations, as the suite reports them.
    scores: dict[str, float]
    # The same figures for each half.
    by_split: dict[str, dict[str, float]]


def run(
    settings: Settings, embedder: str | None = None, ranking: str = "hybrid", model: Embedder | None = None
) -> RetrievalRun:
    """Ingest the playbook into a scratch collection and rank every situation against it. `model` is an
    embedder object to measure in place of a named one."""
    situations = load_situations()
    with tempfile.TemporaryDirectory(prefix="debrief-retrieval-") as scratch:
        settings = settings.overridden(
            storage={"data_dir": Path(scratch), "chroma_url": None, "chroma_path": Path(scratch) / "chroma"},
        )
        if embedder:
            settings = settings.overridden(playbook={"embedder": embedder})
        playbook = Playbook.from_settings(settings, model)
        playbook.fusion = RANKINGS[ranking]
        started = time.perf_counter()
        report = playbook.ingest()
        ingest_s = time.perf_counter() - started
        playbook.advise("warm up", 1, [PLAYBOOK])  # loading the model is start-up cost, not query cost
        results = evaluate(playbook, situations)
    by_split = {split: _scored([r for r in results if r.situation.split == split]) for split in SPLITS}
    return RetrievalRun(
        playbook.embedder.name, ranking, report.embedded, ingest_s, results, _scored(results), by_split
    )


def _scored(results: list[Result]) -> dict[str, float]:
    scores = metrics(results)
    latencies = sorted(r.seconds for r in results) or [0.0]
    scores["median_query_ms"] = round(1000 * latencies[len(latencies) // 2], 1)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default=None, help="default: DEBRIEF_EMBEDDER")
    parser.add_argument("--ranking", default="hybrid", choices=sorted(RANKINGS),
                        help="hybrid (default), or one ranking alone")
    parser.add_argument("--verbose", action="store_true", help="show every situation that missed at rank 1")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    args = parser.parse_args(argv)

    measured = run(Settings(), args.embedder, args.ranking)
    if args.verbose:
        for result in measured.results:
            if result.rank != 1:
                print(f"{result.situation.split}/{result.situation.id}: rank {result.rank}; wanted "
                      f"{list(result.situation.relevant)}, got {list(result.ranking[:3])}", file=sys.stderr)
    if args.json:
        print(json.dumps({"embedder": measured.embedder, "ranking": measured.ranking, **measured.scores,
                          "splits": measured.by_split}))
    else:
        print(f"embedder {measured.embedder}, {measured.ranking} ranking: {measured.passages_embedded} passages "
              f"embedded in {measured.ingest_seconds:.1f} s")
        for split, scores in [*measured.by_split.items(), ("all", measured.scores)]:
            print(f"{split:10s} situations {scores['situations']:3.0f}  hit@1 {scores['hit@1']:.3f}  "
                  f"hit@3 {scores['hit@3']:.3f}  MRR {scores['mrr']:.3f}  median query {scores['median_query_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
