"""A whole debrief typed as one long message: what a turn records from it, read in one call against read in
parts of whole sentences (DEBRIEF_SPLIT_OVER_CHARS), side by side on the same model in one run.

    .venv/bin/python bench/long_messages.py [--cases 12] [--split 240,400]

Debriefs: from evals/datasets/extraction, sorted by id, alternating candidate and client, each with its
messages joined by a space into one message (a recruiter's single long note; the joins leave run-on
sentences where the messages had no full stop). Each is read by one turn with no question asked, through
the same evidence gate as the service's turns, and scored against the case's labels with the eval's
metrics. The reading order of the variants rotates from one debrief to the next, so neither always meets
the warm or the cold server. A script that prints figures, not a test.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.conversation import Extractor, PastTurn, apply_updates, flag_remarks
from assistant.core import DebriefError, PromptLibrary, Record, Settings
from assistant.model import ModelRuntime, chat_model
from bench.turn_latency import machine
from evals.datasets import load_cases
from evals.metrics import measure
from evals.runner import CaseRun, TurnStat

console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12)
    parser.add_argument("--split", default="240", help="comma-separated part lengths to compare with 0 (one call)")
    args = parser.parse_args()
    variants = [0, *(int(x) for x in args.split.split(","))]
    settings = Settings().overridden(llm={"timeout_s": 900})
    cases = sorted(load_cases(), key=lambda c: c.id)
    sides = [[c for c in cases if c.kind == side] for side in ("candidate", "client")]
    chosen = [c for pair in zip(*sides, strict=False) for c in pair][:args.cases]
    runtime = ModelRuntime(settings)
    model = chat_model(runtime.start(), settings)
    prompts = PromptLibrary(settings.content.prompts_dir)
    extractors = {n: Extractor(model, prompts, split_over_chars=n) for n in variants}
    for side in ("candidate", "client"):
        extractors[0].warm_up(side)
    runs: dict[int, list[CaseRun]] = {n: [] for n in variants}
    console.print({"machine": machine(), "model": settings.embedded.model, "cases": len(chosen), "variants": variants})
    try:
        for index, case in enumerate(chosen):
            message = " ".join(m.strip() for m in case.messages)
            order = variants[index % len(variants):] + variants[:index % len(variants)]
            for n in order:
                started = time.perf_counter()
                record = Record(kind=case.kind)
                try:
                    extraction = extractors[n].extract(case.kind, [], PastTurn(None, message))
                except DebriefError as exc:
                    # A turn that fails records nothing: it counts, as it would for the recruiter.
                    seconds = time.perf_counter() - started
                    runs[n].append(CaseRun(case, record.model_dump(mode="json"), [TurnStat(
                        seconds, 1, error=str(exc))]))
                    console.log(f"{case.id}, parts of {n or 'any'}: failed after {seconds:.1f} s: {exc}")
                    continue
                seconds = time.perf_counter() - started
                gate = apply_updates(record, extraction.proposed, [message])
                flag_remarks(record, [message], 0, gate)
                runs[n].append(CaseRun(case, record.model_dump(mode="json"), [TurnStat(
                    seconds, 1, extraction.input_tokens, extraction.output_tokens)]))
                console.log(f"{case.id} ({len(message)} chars), parts of {n or 'any'}: {seconds:.1f} s, "
                            f"{len(gate.applied)} applied, {len(gate.rejected)} refused")
    finally:
        runtime.stop()
    table = Table(title="One long message per debrief")
    for column in ("read", "micro-F1", "precision", "recall", "evidence valid", "s per debrief (median)",
                   "input tokens", "output tokens", "failed"):
        table.add_column(column)
    for n in variants:
        m = measure(f"{n}", runs[n])
        table.add_row("in one call" if n == 0 else f"in parts of {n} chars", f"{m.micro.f1:.3f}",
                      f"{m.micro.precision:.3f}", f"{m.micro.recall:.3f}", f"{m.evidence_validity or 0:.2f}",
                      f"{m.latency_median_s or 0:.1f}", f"{m.input_tokens_per_debrief:.0f}",
                      f"{m.output_tokens_per_debrief:.0f}", f"{m.failed_turns} of {m.turns}")
    console.print(table)
    for n in variants[1:]:
        base, split = measure("0", runs[0]), measure(f"{n}", runs[n])
        per_field = {k: f"{base.per_field[k].f1:.2f} -> {v.f1:.2f}" for k, v in split.per_field.items()
                     if k in base.per_field and abs(base.per_field[k].f1 - v.f1) >= 0.01}
        console.print(f"per field, one call -> parts of {n}:", per_field)


if __name__ == "__main__":
    main()
