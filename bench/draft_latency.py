"""Seconds per draft, by type, on the embedded model (or any endpoint), through the Drafts service.

    .venv/bin/python bench/draft_latency.py [--repeats 2] [--base-url http://127.0.0.1:8077/v1]

Every type is written from the stored record in evals/datasets/drafts/platform-engineer.yaml, in
turn, `--repeats` times; each repeat renames the candidate and the role, so no draft finds its whole
brief in the server's prompt cache (a new debrief never does); the type's instructions, the same for
every draft of a type, are cached after the first. Printed per type: median seconds to the whole
draft and to its first words, output tokens, tokens per second, and how often the template stood in
for the model's draft. Without
--base-url the embedded model is started (on DEBRIEF_EMBEDDED_PORT) and stopped afterwards.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console
from rich.table import Table

from assistant.core import (
    Record,
    get_settings,
)
from assistant.drafting import (
    Draft,
    DraftKind,
)
from assistant.model import Endpoint, ModelRuntime, chat_model
from assistant.service import Service
from assistant.storage import DebriefRow, Store
from evals.datasets import load_draft_fixture

NAMES = ("Sam Patel", "Aisha Karimi", "Tom Okafor", "Lena Park")
ROLES = ("senior platform engineer", "platform engineer", "site reliability engineer", "cloud engineer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--base-url", help="an OpenAI-compatible endpoint already running")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b", help="model name at --base-url")
    args = parser.parse_args()

    # Drafts alone: the whole-conversation pass before a draft is measured by `debrief eval`.
    settings = get_settings().overridden(
        access={"create_dev_key": False, "api_keys": ""},
        playbook={"auto_ingest": False},
        llm={"max_retries": 0},
        refinement={"in_background": False, "on_completion": False, "before_drafts": False},
    )
    runtime = None
    if args.base_url:
        endpoint = Endpoint(args.base_url, args.model, "not-needed")
    else:
        runtime = ModelRuntime(settings)
        endpoint = runtime.start()
    fixture = load_draft_fixture()
    service = Service(settings, model=chat_model(endpoint, settings), store=Store("sqlite://")).start()
    runs: dict[DraftKind, list[tuple[float, float, int, bool]]] = {kind: [] for kind in DraftKind}
    try:
        recruiter = service.keys.authenticate(service.keys.add("Bench Recruiter"))
        for repeat in range(args.repeats):
            debrief = service.debriefs.open(recruiter.id, fixture.kind)
            fields = dict(fixture.record)
            name, role = NAMES[repeat % len(NAMES)], ROLES[repeat % len(ROLES)]
            fields["candidate_name"] = {"value": name, "evidence": [name]}
            fields["role_title"] = {"value": role, "evidence": [role]}
            with service.store.session() as s:
                row = s.get(DebriefRow, debrief.id)
                assert row is not None
                row.record = Record.model_validate({"kind": fixture.kind, "fields": fields}).model_dump(mode="json")
            for kind in DraftKind:
                spec = fixture.original_spec if kind is DraftKind.REVISED_JOB_SPEC else None
                started, first = time.perf_counter(), None
                draft = None
                for event in service.drafts.stream_create(recruiter, debrief.id, kind.value, None, spec):
                    if isinstance(event, Draft):
                        draft = event
                    elif event[0] == "delta" and first is None:
                        first = time.perf_counter() - started
                total = time.perf_counter() - started
                assert draft is not None
                tokens = int(service.drafts.audit(recruiter.id, debrief.id)[0][-1].details.get("output_tokens") or 0)
                runs[kind].append((total, first or total, tokens, draft.author == "template"))
                print(f"repeat {repeat + 1} {kind.value}: {total:.1f} s, {tokens} tokens", file=sys.stderr)
    finally:
        service.stop()
        if runtime:
            runtime.stop()

    table = Table(title=f"Draft latency: {endpoint.model}, {os.cpu_count()} CPUs, {args.repeats} per type")
    for column in ("type", "median s", "first words s", "output tokens", "tokens/s", "template used"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for kind, measured in runs.items():
        seconds = statistics.median(m[0] for m in measured)
        tokens = statistics.median(m[2] for m in measured)
        table.add_row(kind.value, f"{seconds:.1f}", f"{statistics.median(m[1] for m in measured):.1f}",
                      f"{tokens:.0f}", f"{tokens / seconds:.1f}" if seconds else "-",
                      f"{sum(m[3] for m in measured)}/{len(measured)}")
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
