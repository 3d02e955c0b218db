"""Playbook retrieval at scale: search latency over 10,000 passages and the cost of a no-change re-ingest.

    .venv/bin/python bench/retrieval_latency.py [--passages 10000] [--queries 200]

A synthetic folder of markdown files (five sections each, sentences recombined from the real playbook)
is ingested into a throwaway embedded Chroma store. Its vectors come from a cheap stand-in embedder of
the real model's size (384), since embedding 10,000 passages with the real model takes minutes of CPU
and says nothing about search speed. Queries are the retrieval eval's situations, embedded by the real
model (DEBRIEF_EMBEDDER) and searched the way `debrief playbook` searches (dense and lexical rankings
fused, grouped by entry), so the figures include what a recruiter's search costs end to end.
Pin it to the cores a deployment gives it, e.g. `taskset -c 0,1`.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core import get_settings  # noqa: E402
from assistant.playbook import (  # noqa: E402
    PLAYBOOK,
    HashingEmbedder,
    PassageIndex,
    Playbook,
    discover,
    ingest,
    make_embedder,
    open_client,
    read_entry,
)
from evals.retrieval import load_situations  # noqa: E402

SECTIONS = 5


class StandIn(HashingEmbedder):
    """384 dimensions like all-MiniLM-L6-v2, computed in microseconds."""

    name = "bench-stand-in-384"

    def __init__(self) -> None:
        super().__init__(dimension=384)


def sentences() -> list[str]:
    found: list[str] = []
    for path in discover([ROOT / "knowledge"]):
        body = read_entry(path).body
        found.extend(s.strip() + "." for s in body.replace("\n", " ").split(". ") if len(s) > 40 and "#" not in s)
    return found


def write_folder(folder: Path, passages: int) -> None:
    pool = sentences()
    rng = random.Random(7)
    for number in range(passages // SECTIONS):
        parts = [f"---\nid: synthetic-{number:05d}\ntitle: Synthetic entry {number}\n---\n# Synthetic entry {number}\n"]
        for section in range(SECTIONS):
            parts.append(f"## Section {section}\n" + " ".join(rng.sample(pool, 5)) + "\n")
        (folder / f"{number:05d}.md").write_text("\n".join(parts), encoding="utf-8")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description="Playbook retrieval latency over a synthetic collection")
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    settings = get_settings()

    with tempfile.TemporaryDirectory(prefix="debrief-bench-") as scratch:
        folder = Path(scratch) / "docs"
        folder.mkdir()
        write_folder(folder, args.passages)
        client = open_client(Path(scratch) / "chroma")
        embedder = make_embedder(settings.playbook.embedder, settings.playbook.embedder_threads)
        # The passages behind a Playbook, as `debrief playbook` searches them: stand-in vectors under the
        # real embedder's name, so the real model embeds each question and the search reads this collection.
        stand_in = StandIn()
        stand_in.name = embedder.name
        large = Playbook(lambda: client, stand_in, folder)
        index = large.index(PLAYBOOK)

        started = time.perf_counter()
        first = large.ingest([folder], into=PLAYBOOK)
        first_s = time.perf_counter() - started
        reingests = []
        for _ in range(3):
            started = time.perf_counter()
            again = ingest(index, stand_in, [folder])
            reingests.append(time.perf_counter() - started)
            assert again.embedded == 0 and again.removed == 0, again

        playbook_index = PassageIndex(lambda: client, "bench-playbook", embedder.name)
        playbook = ingest(playbook_index, embedder, [settings.content.knowledge_dir])
        started = time.perf_counter()
        assert ingest(playbook_index, embedder, [settings.content.knowledge_dir]).embedded == 0
        playbook_reingest = time.perf_counter() - started

        large.embedder = embedder
        questions = [s.query for s in load_situations()]
        embedder.embed(["warm up"])  # loading the model is start-up cost, not query cost
        started = time.perf_counter()
        large.search("warm up", 5, [PLAYBOOK])  # the first search reads every passage for word matching
        corpus_s = time.perf_counter() - started
        search_ms, embed_ms, dense_ms, rest_ms = [], [], [], []
        for number in range(args.queries):
            question = questions[number % len(questions)] + f" ({number})"
            started = time.perf_counter()
            vector = embedder.embed([question])[0]
            embedded = time.perf_counter()
            hits = index.query(vector, 5)
            dense_ms.append(1000 * (time.perf_counter() - embedded))
            embed_ms.append(1000 * (embedded - started))
            assert len(hits) == 5
            started = time.perf_counter()
            assert len(large.advise(question, 5, [PLAYBOOK], vector=vector)) == 5
            rest_ms.append(1000 * (time.perf_counter() - started))
            started = time.perf_counter()
            found = large.search(question, 5, [PLAYBOOK])
            search_ms.append(1000 * (time.perf_counter() - started))
            assert len(found) == 5

    print(f"collection: {first.added} passages in {first.files} files "
          f"(first ingest {first_s:.1f} s with the stand-in embedder)")
    print(f"hybrid search (as `debrief playbook`), {settings.playbook.embedder}, top 5 passages grouped by entry, "
          f"{args.queries} queries: p50 {statistics.median(search_ms):.1f} ms, "
          f"p95 {percentile(search_ms, 0.95):.1f} ms")
    print(f"  parts measured apart: query embedding p50 {statistics.median(embed_ms):.1f} ms, "
          f"p95 {percentile(embed_ms, 0.95):.1f} ms; Chroma top 5 p50 {statistics.median(dense_ms):.1f} ms, "
          f"p95 {percentile(dense_ms, 0.95):.1f} ms")
    print(f"  the search with the query's vector given (everything but the embedding): "
          f"p50 {statistics.median(rest_ms):.1f} ms, p95 {percentile(rest_ms, 0.95):.1f} ms")
    print(f"  first search, reading {first.added} passages into the word index: {corpus_s:.2f} s (once per process)")
    print(f"no-change re-ingest of {first.added} passages: {min(reingests):.2f} s "
          f"(best of 3; runs {', '.join(f'{s:.2f}' for s in reingests)} s)")
    print(f"no-change re-ingest of knowledge/ ({playbook.added} passages, {settings.playbook.embedder}): "
          f"{1000 * playbook_reingest:.0f} ms")
    print(f"load average at the end: {', '.join(f'{n:.2f}' for n in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
