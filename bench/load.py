"""Many recruiters at once: the API in its own uvicorn process (one or more workers) against a stub
OpenAI-compatible model endpoint on loopback that answers every call after a fixed delay, standing in for
a model server. Each recruiter has its own key, opens a debrief and sends its turns one after another;
all recruiters run at the same time. Prints the error rate, p50/p95 latency per request kind, and for
turns the overhead above the stub's delay (what the API itself adds: storage, guidance, queueing).

    .venv/bin/python bench/load.py [--recruiters 50] [--turns 8] [--delay-ms 200] [--workers 2]
        [--embedder hash] [--database-url postgresql+psycopg://...] [--chroma-url http://...]
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.access import hash_key, new_key
from assistant.model import Wait, answers_ok, wait_until_answering
from bench.stub_app import NOTES
from tests.support.stand_in_model import StandInModel
from tests.support.throwaway_servers import free_port


@dataclass
class Tally:
    seconds: dict[str, list[float]] = field(default_factory=lambda: {"open": [], "turn": []})
    outcomes: Counter[str] = field(default_factory=Counter)


def _api(workers: int, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    waited = wait_until_answering(process, lambda: answers_ok(f"{url}/health", timeout_s=1), 180, poll_s=0.2)
    if waited is Wait.ANSWERING:
        return process, url
    if waited is Wait.EXITED:
        raise RuntimeError(f"the API exited: {log.read_text()[-3000:]}")
    process.terminate()
    raise RuntimeError(f"the API did not start: {log.read_text()[-3000:]}")


async def _timed(tally: Tally, kind: str, request: Awaitable[httpx.Response]) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await request
    except httpx.HTTPError as exc:
        tally.outcomes[f"{kind} {type(exc).__name__}"] += 1
        return None
    tally.seconds[kind].append(time.perf_counter() - started)
    tally.outcomes[f"{kind} {response.status_code}"] += 1
    return response


async def _recruiter(client: httpx.AsyncClient, key: str, turns: int, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    opened = await _timed(tally, "open", client.post("/debriefs", json={"kind": "candidate"}, headers=headers))
    if opened is None or opened.status_code != 201:
        return
    debrief = opened.json()["id"]
    for turn in range(turns):
        await _timed(tally, "turn", client.post(
            f"/debriefs/{debrief}/messages", json={"text": NOTES[turn % len(NOTES)]}, headers=headers,
        ))


async def _drive(url: str, keys: list[str], turns: int) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=len(keys))
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=300) as client:
        await asyncio.gather(*(_recruiter(client, key, turns, tally) for key in keys))
    return tally, time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recruiters", type=int, default=50)
    parser.add_argument("--turns", type=int, default=8, help="turns each recruiter sends")
    parser.add_argument("--delay-ms", type=float, default=200, help="the stub model's answer time")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--embedder", default="minilm-l6-int8",
                        help="the playbook's embedder in the API (hash: no model, much cheaper)")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--chroma-url", help="a Chroma server; default: the local store in the temporary directory")
    args = parser.parse_args()

    keys = [new_key() for _ in range(args.recruiters)]
    model = StandInModel(delay_s=args.delay_ms / 1000)
    with tempfile.TemporaryDirectory(prefix="debrief-load-") as tmp:
        env = {
            "DEBRIEF_DATA_DIR": tmp,
            "DEBRIEF_DATABASE_URL": args.database_url or f"sqlite:///{tmp}/load.db",
            "DEBRIEF_API_KEYS": ",".join(f"recruiter{n}:{hash_key(k)}" for n, k in enumerate(keys)),
            "DEBRIEF_CREATE_DEV_KEY": "false",
            "DEBRIEF_LLM_BASE_URL": model.url, "DEBRIEF_LLM_MODEL": "stub", "DEBRIEF_LLM_MAX_RETRIES": "0",
            # The rate limit would measure itself, not the API.
            "DEBRIEF_RATE_LIMIT_PER_MINUTE": "0",
            "DEBRIEF_EMBEDDER": args.embedder,
            "DEBRIEF_SESSION_SECRET": "load-bench",
        }
        if args.chroma_url:
            env["DEBRIEF_CHROMA_URL"] = args.chroma_url
        process, url = _api(args.workers, env, Path(tmp) / "api.log")
        try:
            tally, wall = asyncio.run(_drive(url, keys, args.turns))
        finally:
            process.terminate()
            process.wait(timeout=30)
            model.stop()

    requests = sum(tally.outcomes.values())
    failed = sum(n for outcome, n in tally.outcomes.items() if not outcome.endswith((" 200", " 201")))
    delay = args.delay_ms / 1000
    print(f"{args.recruiters} recruiters x {args.turns} turns, {args.workers} worker(s), stub model "
          f"{args.delay_ms:.0f} ms, embedder {args.embedder}; {wall:.1f} s wall, "
          f"{len(tally.seconds['turn']) / wall:.1f} turns/s")
    print(f"requests {requests}, errors {failed} ({100 * failed / max(requests, 1):.1f}%): "
          + ", ".join(f"{outcome} x{n}" for outcome, n in sorted(tally.outcomes.items())))
    for kind, seconds in tally.seconds.items():
        if seconds:
            p50, p95 = _pct(seconds, 0.5), _pct(seconds, 0.95)
            line = f"{kind:5} n={len(seconds):4}  p50 {1000 * p50:7.0f} ms  p95 {1000 * p95:7.0f} ms"
            if kind == "turn":
                line += f"  overhead above the model's delay: p50 {1000 * (p50 - delay):6.0f} ms" \
                        f"  p95 {1000 * (p95 - delay):6.0f} ms"
            print(line)
    print(f"model calls {model.calls}")


if __name__ == "__main__":
    main()
