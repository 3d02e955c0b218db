"""What the API adds to a turn, apart from the model: Debrief with an instant stub model against a bare
FastAPI echo endpoint, both served by uvicorn on loopback in the same run, 50 sessions at once.
Then, on one growing conversation: model calls and prompt tokens per turn.

    .venv/bin/python bench/turn_overhead.py [--sessions 50] [--turns 8] [--distinct]

By default every session sends the same eight messages, so the playbook guidance embeds each of them
once and serves the other sessions from the vectors it keeps. `--distinct` ends each session's messages
with its own number, so every turn embeds a message no other turn sent, as recruiters' own words would.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from langchain_core.messages import BaseMessage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.access import hash_key, new_key
from assistant.core import Settings
from assistant.service import Service
from bench.stub_app import NOTES, stub_updates
from tests.support.fakes import ScriptedChatModel


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A uvicorn server for one of bench/stub_app.py's factories, in its own process on loopback, so the
    load generator does not share an interpreter (and its lock) with the server it measures."""

    def __init__(self, factory: str, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.command = [
            sys.executable, "-m", "uvicorn", "--factory", f"bench.stub_app:{factory}",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
        ]
        self.env = {**os.environ, **env}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                httpx.get(f"{url}/docs", timeout=1)
                return url
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__()  # __exit__ is not called when __enter__ raises: do not leave the server behind
        raise RuntimeError(f"{self.command} did not start")

    def __exit__(self, *exc: object) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def _note(turn: int, session: int | None) -> str:
    """The turn's message; with a session number, one that no other session sends."""
    text = NOTES[turn % len(NOTES)]
    return text if session is None else f"{text} (recruiter {session})"


async def _debrief_session(
    client: httpx.AsyncClient, key: str, turns: int, times: list[float], session: int | None = None
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    opened = (await client.post("/debriefs", json={"kind": "candidate"}, headers=headers)).json()
    for turn in range(turns):
        started = time.perf_counter()
        response = await client.post(
            f"/debriefs/{opened['id']}/messages", json={"text": _note(turn, session)}, headers=headers
        )
        times.append(time.perf_counter() - started)
        response.raise_for_status()


async def _echo_session(
    client: httpx.AsyncClient, turns: int, times: list[float], session: int | None = None
) -> None:
    for turn in range(turns):
        started = time.perf_counter()
        response = await client.post("/echo", json={"text": _note(turn, session)})
        times.append(time.perf_counter() - started)
        response.raise_for_status()


async def _load(base: str, sessions: int, coroutine: Any) -> list[float]:
    """`coroutine(client, times, session number)` run once per session, all at once."""
    times: list[float] = []
    limits = httpx.Limits(max_connections=sessions)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.gather(*(coroutine(client, times, number) for number in range(sessions)))
    return times


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _token_counter() -> tuple[Any, str]:
    """The embedded model's own tokenizer when its file is assembled; else a 4-characters estimate."""
    try:
        from llama_cpp import Llama

        from assistant.model import model_package

        settings = Settings()
        path = settings.storage.model_cache_dir / model_package(settings.embedded.model).file_name
        if path.exists():
            vocab = Llama(str(path), vocab_only=True, verbose=False)
            return (lambda text: len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True)),
                    f"{settings.embedded.model} tokenizer")
    except Exception:  # noqa: BLE001 - the estimate below is the documented fallback
        pass
    return (lambda text: len(text) // 4), "estimate: characters / 4"


def overhead(sessions: int, turns: int, distinct: bool = False) -> None:
    key = new_key()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "DEBRIEF_DATA_DIR": tmp, "DEBRIEF_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "DEBRIEF_API_KEYS": f"bench:{hash_key(key)}", "DEBRIEF_CREATE_DEV_KEY": "false",
            # One key drives all the sessions: the per-key rate limit would measure itself, not a turn.
            "DEBRIEF_RATE_LIMIT_PER_MINUTE": "0",
        }
        with Served("debrief_app", env) as debrief_url, Served("echo_app", env) as echo_url:
            # Warm both servers so connection set-up and first imports do not count.
            asyncio.run(_load(echo_url, 2, lambda c, t, n: _echo_session(c, 2, t)))
            asyncio.run(_load(debrief_url, 2, lambda c, t, n: _debrief_session(c, key, 1, t)))
            debrief_times = asyncio.run(_load(
                debrief_url, sessions, lambda c, t, n: _debrief_session(c, key, turns, t, n if distinct else None)
            ))
            echo_times = asyncio.run(_load(
                echo_url, sessions, lambda c, t, n: _echo_session(c, turns, t, n if distinct else None)
            ))
    messages = "each session its own messages" if distinct else "every session the same messages"
    print(f"\nPer-turn latency with an instant stub model, {sessions} concurrent sessions x {turns} turns "
          f"({messages})")
    print(f"{'endpoint':34s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for name, times in (("POST /debriefs/{id}/messages", debrief_times), ("bare FastAPI echo", echo_times)):
        print(f"{name:34s} {len(times):8d} {_pct(times, 0.5) * 1000:8.1f} {_pct(times, 0.95) * 1000:8.1f}")
    print(f"ratio of medians (debrief / echo): {_pct(debrief_times, 0.5) / _pct(echo_times, 0.5):.1f}x, "
          f"of p95: {_pct(debrief_times, 0.95) / _pct(echo_times, 0.95):.1f}x")
    print(f"load average at the end: {', '.join(f'{n:.2f}' for n in os.getloadavg())}")


def growth(turns: int) -> None:
    count, how = _token_counter()
    seen: list[int] = []

    def script(messages: list[BaseMessage]) -> list[dict[str, str]]:
        seen.append(sum(count(str(m.content)) for m in messages))
        return stub_updates(messages)

    with tempfile.TemporaryDirectory() as tmp:
        # The turn's own prompt growth: no background pass adding calls of its own.
        settings = Settings(
            storage={"data_dir": Path(tmp), "database_url": f"sqlite:///{tmp}/growth.db"},
            access={"api_keys": ""},
            refinement={"in_background": False, "on_completion": False},
        )
        model = ScriptedChatModel(script=script)
        service = Service(settings, model=model).start()
        recruiter = service.keys.authenticate(service.dev_key)
        debrief = service.debriefs.open(recruiter.id, "candidate")
        calls = []
        for turn in range(turns):
            before = len(model.calls)
            service.debriefs.post_message(recruiter.id, debrief.id, NOTES[turn % len(NOTES)])
            calls.append(len(model.calls) - before)
        service.stop()
    print(f"\nOne conversation as it grows (prompt tokens: {how}; the constant tool definition not counted)")
    print(f"{'turn':>4s} {'LLM calls':>9s} {'prompt tokens':>13s}")
    for turn, (n_calls, tokens) in enumerate(zip(calls, seen, strict=True), start=1):
        print(f"{turn:4d} {n_calls:9d} {tokens:13d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--growth-turns", type=int, default=16)
    parser.add_argument("--distinct", action="store_true", help="each session sends messages of its own")
    args = parser.parse_args()
    overhead(args.sessions, args.turns, args.distinct)
    growth(args.growth_turns)


if __name__ == "__main__":
    main()
