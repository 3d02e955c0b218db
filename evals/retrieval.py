"""Retrieval eval: do recruiter situations bring back the right playbook entries?

    python -m evals.retrieval [--embedder all-minilm-l6-v2|hash] [--verbose]

The playbook is ingested into a throwaway Chroma folder with the chosen embedder, every situation in
evals/datasets/retrieval/*.yaml is searched as a recruiter would type it, and the passages are read as a
ranking of entries (an entry ranks where its best passage does). Prints hit@1, hit@3 and MRR.
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
from assistant.playbook import PLAYBOOK, Playbook

DATASET = Path(__file__).resolve().parent / "datasets" / "retrieval"
# Passages read per situation; with 4 to 5 passages an entry, enough to rank every entry that matters.
DEPTH = 20


@dataclass(frozen=True)
class Situation:
    id: str
    query: str
    relevant: tuple[str, ...]


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
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["situations"]:
            situations.append(Situation(str(raw["id"]), str(raw["query"]), tuple(raw["relevant"])))
    return situations


def evaluate(playbook: Playbook, situations: list[Situation]) -> list[Result]:
    results = []
    for situation in situations:
        started = time.perf_counter()
        passages = playbook.search(situation.query, DEPTH, [PLAYBOOK])
        seconds = time.perf_counter() - started
        ranking = tuple(dict.fromkeys(p.citation.entry_id for p in passages))
        results.append(Result(situation, ranking, seconds))
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
    passages_embedded: int
    ingest_seconds: float
    results: list[Result]
    scores: dict[str, float]


def run(settings: Settings, embedder: str | None = None) -> RetrievalRun:
    """Ingest the playbook into a scratch collection and rank every situation against it."""
    situations = load_situations()
    with tempfile.TemporaryDirectory(prefix="debrief-retrieval-") as scratch:
        settings = settings.model_copy(
            update={"data_dir": Path(scratch), "chroma_url": None, "chroma_path": Path(scratch) / "chroma"}
        )
        if embedder:
            settings = settings.model_copy(update={"embedder": embedder})
        playbook = Playbook.from_settings(settings)
        started = time.perf_counter()
        report = playbook.ingest()
        ingest_s = time.perf_counter() - started
        results = evaluate(playbook, situations)
    scores = metrics(results)
    latencies = sorted(r.seconds for r in results)
    scores["median_query_ms"] = round(1000 * latencies[len(latencies) // 2], 1)
    return RetrievalRun(settings.embedder, report.embedded, ingest_s, results, scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default=None, help="default: DEBRIEF_EMBEDDER")
    parser.add_argument("--verbose", action="store_true", help="show every situation that missed at rank 1")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    args = parser.parse_args(argv)

    measured = run(Settings(), args.embedder)
    scores = measured.scores
    if args.verbose:
        for result in measured.results:
            if result.rank != 1:
                print(f"{result.situation.id}: rank {result.rank}; wanted {list(result.situation.relevant)}, "
                      f"got {list(result.ranking[:3])}", file=sys.stderr)
    if args.json:
        print(json.dumps({"embedder": measured.embedder, **scores}))
    else:
        print(f"embedder {measured.embedder}: {measured.passages_embedded} passages embedded in "
              f"{measured.ingest_seconds:.1f} s")
        print(f"situations {scores['situations']:.0f}  hit@1 {scores['hit@1']:.3f}  hit@3 {scores['hit@3']:.3f}  "
              f"MRR {scores['mrr']:.3f}  median query {scores['median_query_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
