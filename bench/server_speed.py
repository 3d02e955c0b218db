"""Tokens per second of the embedded model's server, before and after: llama-cpp-python 0.3.36's server
(the embedded server until llama-server replaced it) against llama.cpp's llama-server as
scripts/build-llama-server builds it, on the same model, threads and machine, in one run.

    .venv/bin/python bench/server_speed.py [--rounds 3] [--port-before 8377 --port-after 8378]

Each round starts one server, measures, stops it, then the other (alternating which goes first, so a
neighbour's load on a shared machine falls on both): a prompt it has never seen read cold (the extraction
instructions behind a unique first line, so nothing is reused; answer cut at 1 token), then an answer
of --write-tokens (128) written from a cached prompt. Speeds are the servers' own timings: llama-server's
`timings` in each response, llama-cpp-python's timing lines in its log. The "before" server runs with
--before-python, a Python that has `llama-cpp-python[server]==0.3.36` installed (no longer a
dependency of Debrief); without it only "after" runs.
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core import PromptLibrary, Settings, specs_for  # noqa: E402
from assistant.model import (  # noqa: E402
    EmbeddedServer,
    ServerOptions,
    Wait,
    answers_ok,
    ensure_model_file,
    installed_binary,
    model_package,
    wait_until_answering,
)
from assistant.model.cpu import cpu_path  # noqa: E402
from bench.turn_latency import machine  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 160)
_PROMPT_EVAL = re.compile(r"prompt eval time =\s*([\d.]+) ms /\s*(\d+) tokens")
_EVAL = re.compile(r"^\s*(?:llama_perf_context_print:)?\s*eval time =\s*([\d.]+) ms /\s*(\d+) runs", re.M)
WRITE_PROMPT = "List the months of the year, one per line, each followed by three words about its weather."


@dataclass
class Speeds:
    read: list[float] = field(default_factory=list)  # prompt tokens per second, cold
    write: list[float] = field(default_factory=list)  # generated tokens per second
    read_tokens: int = 0


class Before:
    """llama-cpp-python's server, launched as the embedded model was before llama-server."""

    label = "llama-cpp-python 0.3.36 server"

    def __init__(self, python: str, model_file: Path, name: str, port: int, threads: int, settings: Settings,
                 log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        e = settings.embedded
        self.command = [
            python, "-m", "llama_cpp.server", "--model", str(model_file), "--model_alias", name,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(e.ctx),
            "--n_threads", str(threads), "--n_batch", str(e.batch), "--logits_all", "false",
            "--interrupt_requests", "false", "--cache", "true", "--cache_type", "ram",
            "--cache_size", str(e.ram_cache_bytes),
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT)
        _wait_for(self.base, self.process)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)

    def timings(self, body: dict[str, Any], log_offset: int) -> tuple[float, int, float, int]:
        text = self.log.read_bytes()[log_offset:].decode("utf-8", "replace")
        read = _PROMPT_EVAL.findall(text)
        written = [(ms, n) for ms, n in _EVAL.findall(text) if int(n) > 1]
        read_ms, read_n = (float(read[-1][0]), int(read[-1][1])) if read else (0.0, 0)
        write_ms, write_n = (float(written[-1][0]), int(written[-1][1])) if written else (0.0, 0)
        return read_ms, read_n, write_ms, write_n


class After:
    label = "llama-server (scripts/build-llama-server)"

    def __init__(self, model_file: Path, name: str, port: int, threads: int, settings: Settings, log: Path) -> None:
        self.log = log
        e = settings.embedded
        self.server = EmbeddedServer(model_package(name), model_file, ServerOptions(
            host="127.0.0.1", port=port, threads=threads, ctx=e.ctx, batch=e.batch,
            ram_cache_bytes=e.ram_cache_bytes, log_file=log, start_timeout_s=600,
            parallel=e.parallel, binary=e.server_binary,
        ))
        self.base = self.server.base_url.removesuffix("/v1")

    def start(self) -> None:
        self.server.start()
        console.log(f"llama-server: {cpu_path(self.server.binary).describe()}")

    def stop(self) -> None:
        self.server.stop()

    def timings(self, body: dict[str, Any], log_offset: int) -> tuple[float, int, float, int]:
        t = body.get("timings", {})
        return (float(t.get("prompt_ms", 0)), int(t.get("prompt_n", 0)),
                float(t.get("predicted_ms", 0)), int(t.get("predicted_n", 0)))


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    waited = wait_until_answering(process, lambda: answers_ok(f"{base}/v1/models"), timeout_s=600)
    if waited is Wait.EXITED:
        raise RuntimeError(f"the server exited with code {process.returncode}")
    if waited is Wait.TIMED_OUT:
        raise RuntimeError("the server did not start")


def _ask(
    server: Before | After, name: str, messages: list[dict[str, str]], max_tokens: int
) -> tuple[float, int, float, int]:
    offset = server.log.stat().st_size if server.log.exists() else 0
    response = httpx.post(f"{server.base}/v1/chat/completions", timeout=900, json={
        "model": name, "messages": messages, "max_tokens": max_tokens, "temperature": 0,
    })
    response.raise_for_status()
    time.sleep(0.2)  # the log line follows the answer
    return server.timings(response.json(), offset)


def measure(server: Before | After, name: str, instructions: str, into: Speeds, reads: int, write_tokens: int) -> None:
    server.start()
    try:
        for _ in range(reads):
            # A unique first line: nothing of this prompt is in any cache.
            system = f"Session {uuid.uuid4().hex}.\n{instructions}"
            read_ms, read_n, _, _ = _ask(server, name, [{"role": "system", "content": system},
                                                        {"role": "user", "content": "Ready?"}], 1)
            if read_ms:
                into.read.append(read_n / read_ms * 1000)
                into.read_tokens = read_n
        messages = [{"role": "user", "content": WRITE_PROMPT}]
        _ask(server, name, messages, 1)  # cache the prompt: the next call times writing only
        _, _, write_ms, write_n = _ask(server, name, messages, write_tokens)
        if write_ms:
            into.write.append(write_n / write_ms * 1000)
    finally:
        server.stop()


def main() -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=settings.embedded.model)
    parser.add_argument("--before-python", help="a Python with llama-cpp-python[server]==0.3.36, for the before side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reads", type=int, default=2, help="cold prompt reads per server start")
    parser.add_argument("--read-chars", type=int, default=0,
                        help="read only the first N characters of the instructions (0: all, about 1,000 tokens)")
    parser.add_argument("--write-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=settings.embedded.threads or os.cpu_count() or 2)
    parser.add_argument("--port-before", type=int, default=8377)
    parser.add_argument("--port-after", type=int, default=8378)
    args = parser.parse_args()
    package = model_package(args.model)
    model_file = ensure_model_file(package, settings.storage.model_cache_dir)
    instructions = PromptLibrary(settings.content.prompts_dir).render(
        "extraction_system.j2", side="candidate", specs=specs_for("candidate")).text
    if args.read_chars:
        instructions = instructions[:args.read_chars]
    with_before = bool(args.before_python)
    console.print({"machine": machine(), "model": args.model, "threads": args.threads, "rounds": args.rounds,
                   "cpu flags": " ".join(cpu_path(installed_binary(settings.embedded.server_binary)).simd),
                   "before available": with_before})
    results: dict[str, Speeds] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_index in range(args.rounds):
            servers: list[Before | After] = [After(model_file, package.name, args.port_after, args.threads, settings,
                                                   Path(tmp) / "after.log")]
            if with_before:
                servers.append(Before(args.before_python, model_file, package.name, args.port_before, args.threads,
                                      settings, Path(tmp) / "before.log"))
            if round_index % 2:
                servers.reverse()
            for server in servers:
                console.log(f"round {round_index + 1}: {server.label}")
                measure(server, package.name, instructions, results.setdefault(server.label, Speeds()), args.reads,
                        args.write_tokens)
    table = Table(title=f"{args.model}, {args.threads} threads: tokens per second (median of runs; min-max)")
    for column in ("server", "prompt read, cold", "writing", "runs"):
        table.add_column(column, justify="right")
    for label, speeds in results.items():
        table.add_row(label, _cell(speeds.read) + f" ({speeds.read_tokens} tokens)", _cell(speeds.write),
                      f"{len(speeds.read)} reads, {len(speeds.write)} writes")
    console.print(table)
    if len(results) == 2:
        before, after = results[Before.label], results[After.label]
        console.print(f"after / before: read {statistics.median(after.read) / statistics.median(before.read):.2f}x, "
                      f"write {statistics.median(after.write) / statistics.median(before.write):.2f}x")


def _cell(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


if __name__ == "__main__":
    main()
