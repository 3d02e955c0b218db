"""Run labelled debriefs through the same engine the API uses, and score the records."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.schema import record_field_names
from assistant.service import Service
from assistant.settings import Settings
from assistant.store import Store
from evals.datasets import Case, load_cases
from evals.scoring import CaseScore, Counts, score_case


@dataclass
class CaseRun:
    case: Case
    record: dict[str, Any]
    score: CaseScore
    seconds_per_turn: list[float] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0


def run_case(service: Service, recruiter_id: str, case: Case) -> CaseRun:
    debriefs = service.debriefs
    debrief = debriefs.open(recruiter_id, case.kind)
    seconds, tokens_in, tokens_out, calls = [], 0, 0, 0
    for text in case.messages:
        started = time.perf_counter()
        outcome = debriefs.post_message(recruiter_id, debrief.id, text)
        seconds.append(time.perf_counter() - started)
        tokens_in += outcome.usage.get("input_tokens", 0)
        tokens_out += outcome.usage.get("output_tokens", 0)
        calls += outcome.usage.get("llm_calls", 0)
    record = debriefs.get(recruiter_id, debrief.id).record
    values = {name: item.value for name, item in record.fields.items() if item.source == "chat"}
    score = score_case(case.id, values, case.gold, case.must_not, record_field_names(case.kind))  # type: ignore[arg-type]
    return CaseRun(case, values, score, seconds, tokens_in, tokens_out, calls)


def run_extraction(model: BaseChatModel, cases: list[Case], settings: Settings | None = None,
                   progress: Any = None) -> list[CaseRun]:
    settings = (settings or Settings()).model_copy(update={"create_dev_key": False, "api_keys": ""})
    service = Service(settings, model=model, store=Store("sqlite://")).start()
    recruiter = service.keys.authenticate(service.keys.add("evals"))
    runs = []
    for number, case in enumerate(cases, start=1):
        if progress:
            progress(number, len(cases), case.id)
        runs.append(run_case(service, recruiter.id, case))
    return runs


def totals(runs: list[CaseRun]) -> dict[str, Counts]:
    per_field: dict[str, Counts] = {}
    for run in runs:
        for name, counts in run.score.fields.items():
            per_field.setdefault(name, Counts()).add(counts)
    return per_field


def main() -> None:
    from assistant.llm import Endpoint, chat_model

    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8077/v1")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--cases", default="")
    args = parser.parse_args()
    settings = Settings()
    model = chat_model(Endpoint(args.base_url, args.model, "not-needed"), settings)
    cases = load_cases(ids=args.cases.split(",") if args.cases else None)
    runs = run_extraction(model, cases, settings, lambda n, t, c: print(f"[{n}/{t}] {c}", file=sys.stderr))
    micro = Counts()
    for name, counts in sorted(totals(runs).items()):
        micro.add(counts)
        print(f"{name:28s} P={counts.precision:.2f} R={counts.recall:.2f} F1={counts.f1:.2f} "
              f"(tp {counts.tp} fp {counts.fp} fn {counts.fn})")
    print(f"micro F1={micro.f1:.3f} P={micro.precision:.3f} R={micro.recall:.3f}")
    violations = sum(len(r.score.must_not_violations) for r in runs)
    turns = [s for r in runs for s in r.seconds_per_turn]
    print(f"must_not violations={violations} turns={len(turns)} median s/turn="
          f"{sorted(turns)[len(turns) // 2]:.1f}")
    for run in runs:
        print(run.case.id, run.record)


if __name__ == "__main__":
    main()
