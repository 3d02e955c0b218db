"""Seconds per turn on the real model: the engine against the naive single-prompt baseline, per turn
index, with the prompt tokens the server read anew and those it reused from its cache; recruiters
sharing one server (taking turns, and sending at the same moment), with and without the server's RAM
prompt cache; and how soon the streamed turn answers with its first event.

    .venv/bin/python bench/turn_latency.py [--debriefs 6] [--max-turns 8] [--interleave 2,4]
    .venv/bin/python bench/turn_latency.py --model qwen2.5-coder-0.5b    # the smaller embedded model
    .venv/bin/python bench/turn_latency.py --quick      # 1 debrief, 2 turns: does it run?

Debriefs: from evals/datasets/extraction, sorted by id, the longest first among those with 4 to 8
messages, alternating candidate and client, each cut to --max-turns. The engine is the product
(Service with a throwaway SQLite store, playbook guidance off: its embedding is measured by
bench/turn_overhead.py); the baseline is evals/baseline.py (the whole conversation in one prompt, the
whole record written each turn). A second engine pass sends each debrief with its second and last
messages swapped, so the same messages are timed at turn 2 and at the last turn. Before each pass the
fixed prompt prefix of each side is read once, as the service's warm-up does at start-up. Sharing passes
use the first --interleave-turns messages of each debrief, in groups of k, and are compared with the
same messages sent one conversation at a time; the pass without the RAM cache starts a second server. A
script that prints figures, not a test.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.app import create_app
from assistant.conversation import (
    Debriefs,
    Extractor,
)
from assistant.core import (
    DebriefError,
    PromptLibrary,
    Settings,
    Side,
    specs_for,
)
from assistant.model import (
    EmbeddedServer,
    Endpoint,
    ServerOptions,
    chat_model,
    ensure_model_file,
    model_package,
    structured,
)
from assistant.service import Service
from assistant.storage import Store
from bench.latency_figures import SWAPPED, Turn, show, summarise
from bench.prompt_reuse import ReuseMeter
from evals.baseline import ANSWER_NAME, PROMPT, Baseline, record_schema
from evals.datasets import Case, load_cases

# Wide enough for the tables when the output goes to a file.
console = Console(width=None if sys.stdout.isatty() else 160)


def pick_cases(count: int, max_turns: int) -> list[Case]:
    fitting = sorted((c for c in load_cases() if 4 <= len(c.messages) <= 8), key=lambda c: -len(c.messages))
    sides = [[c for c in fitting if c.kind == "candidate"], [c for c in fitting if c.kind == "client"]]
    alternated = [case for pair in zip(*sides, strict=False) for case in pair]
    return [replace(case, messages=case.messages[:max_turns]) for case in alternated[:count]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": names[0] if names else platform.processor(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def warm(model: BaseChatModel, prompts: PromptLibrary, sides: set[Side], baseline: bool) -> None:
    """Have the server read each side's fixed prefix once, so no pass starts with a cold read."""
    for side in sorted(sides):
        if baseline:
            prompt = prompts.render(PROMPT, side=side, specs=specs_for(side), messages=[])
            structured(model, ANSWER_NAME, record_schema(side), 1).invoke([HumanMessage(prompt.text)])
        else:
            Extractor(model, prompts).warm_up(side)


def engine_turn(
    debriefs: Debriefs, recruiter: str, debrief_id: str, case: Case, index: int, subject: str,
    meter: ReuseMeter | None,
) -> Turn:
    mark = meter.mark() if meter else None
    started = time.perf_counter()
    try:
        outcome = debriefs.post_message(recruiter, debrief_id, case.messages[index - 1])
    except DebriefError as exc:
        return Turn(subject, case.id, index, time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    reuse = meter.since(mark) if meter and mark else None
    return Turn(
        subject, case.id, index, seconds, int(outcome.usage.get("input_tokens", 0)),
        int(outcome.usage.get("output_tokens", 0)), reuse.read if reuse else None, reuse.reused if reuse else None,
    )


def run_engine(
    debriefs: Debriefs, recruiter: str, cases: list[Case], meter: ReuseMeter, subject: str = "engine"
) -> list[Turn]:
    turns = []
    for case in cases:
        debrief = debriefs.open(recruiter, case.kind)
        for index in range(1, len(case.messages) + 1):
            turns.append(engine_turn(debriefs, recruiter, debrief.id, case, index, subject, meter))
            console.log(f"{subject} {case.id} turn {index}: {turns[-1].seconds:.1f} s")
            if turns[-1].error:
                break  # the message waits for a retry, as it would for a recruiter
    return turns


def swap_second_and_last(case: Case) -> Case:
    """The same debrief with its second and last messages exchanged. Both messages are then timed at
    turn 2 and at the last turn, which separates what the debrief's length costs from what a longer
    message costs (late messages in a debrief often state more)."""
    messages = list(case.messages)
    messages[1], messages[-1] = messages[-1], messages[1]
    return replace(case, messages=messages)


def run_baseline(baseline: Baseline, cases: list[Case], meter: ReuseMeter) -> list[Turn]:
    turns = []
    for case in cases:
        side: Side = case.kind  # type: ignore[assignment]
        for index in range(1, len(case.messages) + 1):
            mark, started = meter.mark(), time.perf_counter()
            try:
                _, usage = baseline.write_record(side, case.messages[:index])
            except Exception as exc:  # noqa: BLE001 - a failed turn is a figure; stateless, so go on
                turns.append(Turn("baseline", case.id, index, time.perf_counter() - started, error=str(exc)))
                continue
            seconds, reuse = time.perf_counter() - started, meter.since(mark)
            turns.append(Turn(
                "baseline", case.id, index, seconds, int(usage.get("input_tokens", 0)),
                int(usage.get("output_tokens", 0)), reuse.read if reuse else None, reuse.reused if reuse else None,
            ))
            console.log(f"baseline {case.id} turn {index}: {seconds:.1f} s")
    return turns


def interleave_groups(cases: list[Case], k: int, turns: int) -> list[list[Case]]:
    """The cases in groups of k, in order (sides alternate, so a group mixes them; a short last group is
    left out), each cut to `turns` messages; the summary compares each pass with the same messages sent
    one conversation at a time."""
    width = max(k, 1)
    chosen = [replace(case, messages=case.messages[:turns]) for case in cases]
    return [chosen[start:start + width] for start in range(0, len(chosen) - width + 1, width)]


def run_in_turn(
    debriefs: Debriefs, recruiter: str, groups: list[list[Case]], subject: str, meter: ReuseMeter | None
) -> list[Turn]:
    """Recruiters taking turns on one server: turn n of each conversation in the group, one after the
    other, then turn n+1. Each turn runs alone, so its time shows what the cache kept for it while the
    others' prompts went through."""
    turns: list[Turn] = []
    for group in groups:
        opened = [(case, debriefs.open(recruiter, case.kind).id) for case in group]
        failed: set[str] = set()
        for index in range(1, max(len(case.messages) for case in group) + 1):
            for case, debrief_id in opened:
                if index <= len(case.messages) and case.id not in failed:
                    turns.append(turn := engine_turn(debriefs, recruiter, debrief_id, case, index, subject, meter))
                    console.log(f"{subject} {case.id} turn {index}: {turn.seconds:.1f} s")
                    if turn.error:
                        failed.add(case.id)
    return turns


def run_at_once(debriefs: Debriefs, recruiter: str, groups: list[list[Case]], subject: str) -> list[Turn]:
    """Recruiters sending at the same moment: turn n of every conversation in the group posted at once
    from k threads, turn n+1 when all have answered. The server answers one request at a time, so this
    measures the queue."""
    turns: list[Turn] = []
    for group in groups:
        opened = [(case, debriefs.open(recruiter, case.kind).id) for case in group]
        failed: set[str] = set()
        with ThreadPoolExecutor(len(group)) as pool:
            for index in range(1, max(len(case.messages) for case in group) + 1):
                futures = [
                    pool.submit(engine_turn, debriefs, recruiter, debrief_id, case, index, subject, None)
                    for case, debrief_id in opened if index <= len(case.messages) and case.id not in failed
                ]
                for future in futures:
                    turns.append(turn := future.result())
                    if turn.error:
                        failed.add(turn.case)
                times = ", ".join(f"{t.seconds:.1f} s" for t in turns[-len(futures):])
                console.log(f"{subject} turn {index}: {times}")
    return turns


def first_events(service: Service, key: str, case: Case) -> list[float]:
    """Seconds from posting to /messages/stream until the first `event:` line (`accepted`), over the
    real app served by uvicorn on loopback; each stream is read to its end so the turn completes."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    times = []
    headers = {"Authorization": f"Bearer {key}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          timeout=httpx.Timeout(900, connect=10)) as client:
            debrief_id = client.post("/debriefs", json={"kind": case.kind}).raise_for_status().json()["id"]
            for index, text in enumerate(case.messages, start=1):
                started, first = time.perf_counter(), None
                with client.stream("POST", f"/debriefs/{debrief_id}/messages/stream", json={"text": text}) as r:
                    r.raise_for_status()
                    for line in r.iter_lines():
                        if first is None and line.startswith("event:"):
                            first = time.perf_counter() - started
                if first is not None:
                    times.append(first)
                console.log(f"stream {case.id} turn {index}: first event after {(first or 0) * 1000:.0f} ms, "
                            f"turn {time.perf_counter() - started:.1f} s")
    finally:
        server.should_exit = True
        thread.join(timeout=15)
    return times


def start_endpoint(
    args: argparse.Namespace, settings: Settings, tmp: Path, ram_cache_bytes: int
) -> tuple[Endpoint, Path | None, Callable[[], None]]:
    if args.endpoint:
        key = settings.llm.api_key.get_secret_value() if settings.llm.api_key else "not-needed"
        name = args.model_name or settings.llm.model or args.model
        return Endpoint(args.endpoint, name, key), args.server_log, lambda: None
    package = model_package(args.model)
    log = tmp / f"embedded-server-cache-{ram_cache_bytes}.log"
    server = EmbeddedServer(package, ensure_model_file(package, settings.storage.model_cache_dir), ServerOptions(
        host="127.0.0.1", port=free_port(), threads=args.threads, ctx=args.ctx, batch=args.batch,
        ram_cache_bytes=ram_cache_bytes, log_file=log, start_timeout_s=600, parallel=args.parallel,
    ))
    console.log(f"starting {package.name} on {server.base_url}, RAM prompt cache {ram_cache_bytes:,} bytes (log {log})")
    server.start()
    return Endpoint(server.base_url, package.name, "not-needed"), log, server.stop


def bench_service(
    endpoint: Endpoint, defaults: Settings, tmp: Path, meter: ReuseMeter
) -> tuple[Service, BaseChatModel, str, str]:
    """The service the API runs, on a throwaway store, talking to `endpoint`; its chat model, a key and
    the key's recruiter id."""
    # Model calls run long on a busy CPU and queue behind each other when sent at once; a retry would
    # count one turn twice.
    settings = defaults.overridden(
        storage={"data_dir": tmp, "database_url": f"sqlite:///{tmp}/bench-{free_port()}.db"},
        access={"api_keys": "", "create_dev_key": False},
        llm={"base_url": endpoint.base_url, "model": endpoint.model, "timeout_s": 1800.0, "max_retries": 0},
        playbook={"guidance_per_turn": 0, "auto_ingest": False, "embedder": "hash"},
        limits={"rate_limit_per_minute": 0},
        # The turn alone, as before: the whole-conversation pass's cost is reported by `debrief eval`.
        refinement={"in_background": False, "on_completion": False},
    )
    model = chat_model(endpoint, settings, http_client=httpx.Client(event_hooks={"response": [meter.hook]}))
    # A file, not sqlite:// in memory: that is one connection, which the threads of conversations sent
    # at once cannot share.
    service = Service(settings, model=model, store=Store(settings.storage.resolved_database_url)).start()
    key = service.keys.add("bench")
    return service, model, key, service.keys.authenticate(key).id


def main() -> None:
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debriefs", type=int, default=6)
    parser.add_argument("--max-turns", type=int, default=8)
    parser.add_argument("--interleave", default="2,4", help="conversations sharing the server, e.g. 2,4")
    parser.add_argument("--interleave-turns", type=int, default=4,
                        help="messages per conversation in the shared-server passes")
    parser.add_argument("--quick", action="store_true", help="1 debrief, 2 turns, no sharing: does it run?")
    parser.add_argument("--model", default=defaults.embedded.model, help="the embedded model to start")
    parser.add_argument("--endpoint", help="an OpenAI-compatible base URL to use instead of starting the model")
    parser.add_argument("--model-name", help="the model name to ask --endpoint for")
    parser.add_argument("--server-log", type=Path,
                        help="with --endpoint: its log, for reuse, if its answers do not report cached tokens")
    parser.add_argument("--threads", type=int, default=defaults.embedded.threads or os.cpu_count() or 2)
    parser.add_argument("--batch", type=int, default=defaults.embedded.batch)
    parser.add_argument("--parallel", type=int, default=defaults.embedded.parallel,
                        help="the embedded server's slots (requests decoded together)")
    parser.add_argument("--ctx", type=int, default=defaults.embedded.ctx)
    parser.add_argument("--ram-cache-bytes", type=int, default=defaults.embedded.ram_cache_bytes,
                        help="the server's saved prompt states; 0 keeps only the last prompt")
    parser.add_argument("--no-cache-pass", action="store_true",
                        help="skip the shared-server pass on a second server without the RAM cache")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline (the longest pass)")
    parser.add_argument("--baseline-turns", type=int,
                        help="run the baseline on the first N messages of each debrief only (it is the slow "
                             "pass); the ratio then compares the same messages")
    parser.add_argument("--no-swap-pass", action="store_true",
                        help="skip the pass that sends each debrief's second and last messages in swapped places")
    parser.add_argument("--no-stream", action="store_true", help="skip the first-event measurement")
    parser.add_argument("--json", type=Path, help="save the figures and every turn here")
    args = parser.parse_args()
    if args.quick:
        args.debriefs, args.max_turns, args.interleave, args.no_cache_pass = 1, 2, "", True
    sharing = sorted({int(k) for k in args.interleave.split(",") if k.strip() and int(k) > 1})
    cases = pick_cases(args.debriefs, args.max_turns)
    command = shlex.join([os.path.relpath(sys.executable, ROOT), os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    header: dict[str, Any] = {
        "machine": machine(), "command": command, "debriefs": [c.id for c in cases],
        "settings": {k: getattr(args, k)
                     for k in ("endpoint", "threads", "batch", "ctx", "ram_cache_bytes", "parallel")}
        | {"max_turns": args.max_turns, "model": args.model_name or args.model, "interleave": sharing,
           "interleave_turns": args.interleave_turns, "baseline_turns": args.baseline_turns},
    }
    console.print(header)
    sides: set[Side] = {c.kind for c in cases}  # type: ignore[misc]
    turns: list[Turn] = []
    sse: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        endpoint, log, stop = start_endpoint(args, defaults, Path(tmp), args.ram_cache_bytes)
        meter = ReuseMeter(log)
        try:
            service, model, key, recruiter = bench_service(endpoint, defaults, Path(tmp), meter)
            prompts = service.prompts
            warm(model, prompts, sides, baseline=False)
            turns += run_engine(service.debriefs, recruiter, cases, meter)
            if not args.no_swap_pass:
                swapped = [swap_second_and_last(c) for c in cases if len(c.messages) >= 3]
                turns += run_engine(service.debriefs, recruiter, swapped, meter, SWAPPED)
            for k in sharing:
                groups = interleave_groups(cases, k, args.interleave_turns)
                turns += run_in_turn(service.debriefs, recruiter, groups, f"in turn x{k}", meter)
                turns += run_at_once(service.debriefs, recruiter, groups, f"at once x{k}")
            sse = [] if args.no_stream or not cases else first_events(service, key, cases[0])
            if not args.no_baseline:
                warm(model, prompts, sides, baseline=True)
                cut = args.baseline_turns or args.max_turns
                turns += run_baseline(Baseline(model, prompts), [replace(c, messages=c.messages[:cut]) for c in cases],
                                      meter)
            service.stop()
        finally:
            stop()
        if sharing and not args.no_cache_pass and not args.endpoint and args.ram_cache_bytes:
            endpoint, log, stop = start_endpoint(args, defaults, Path(tmp), 0)
            meter = ReuseMeter(log)
            try:
                service, model, _, recruiter = bench_service(endpoint, defaults, Path(tmp), meter)
                warm(model, service.prompts, sides, baseline=False)
                for k in sharing:
                    groups = interleave_groups(cases, k, args.interleave_turns)
                    turns += run_in_turn(service.debriefs, recruiter, groups, f"in turn x{k}, no RAM cache", meter)
                service.stop()
            finally:
                stop()
    summary = summarise(turns, sharing, args.interleave_turns, sse)
    header["settings"]["model"] = endpoint.model
    header["reuse_source"] = meter.source
    console.print(header)
    show(summary, console)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**header, "summary": summary, "turns": [asdict(t) for t in turns]}, indent=2))
        console.print(f"saved {args.json}")


if __name__ == "__main__":
    main()
