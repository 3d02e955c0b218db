"""The embedded server's options side by side: for each setting, how fast it reads a prompt it has not
seen (the fixed extraction prefix, read cold), how fast it writes, the seconds of one typical turn once
the prefix is cached, and the server's resident memory. Run on a quiet machine: the figures are CPU time.

    .venv/bin/python bench/server_options.py [--model qwen2.5-coder-1.5b] [--repeats 2]

Settings compared: threads 1 and 2 at the default batch and context; batch 64, 256 and 512; context
4,096 and 8,192. Read and write speeds come from the server's own timing lines; the turn is a real
candidate message through the product's extractor. A script that prints figures, not a test.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.conversation import Extractor, PastTurn
from assistant.core import (
    PromptLibrary,
    Settings,
)
from assistant.model import EmbeddedServer, Endpoint, ServerOptions, chat_model, ensure_model_file, model_package
from bench.prompt_reuse import PROMPT_EVAL
from bench.turn_latency import free_port, machine
from evals.datasets import load_cases

console = Console(width=None if sys.stdout.isatty() else 160)
# The writing line, as llama-server logs it ("eval time = ... / N tokens", not the "prompt eval" one).
_EVAL = re.compile(r"(?<!prompt )eval time =\s*([\d.]+) ms /\s*(\d+) tokens")


@dataclass(frozen=True)
class Setting:
    threads: int
    batch: int
    ctx: int

    @property
    def label(self) -> str:
        return f"threads {self.threads}, batch {self.batch}, context {self.ctx:,}"


@dataclass
class Figures:
    setting: Setting
    start_s: float
    read_tokens_per_s: float
    write_tokens_per_s: float
    turn_s: float
    rss_mib: float


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rates(log: str) -> tuple[float, float]:
    """Prompt tokens read per second on the cold read, tokens written per second over the turns."""
    reads = [(float(ms), int(n)) for ms, n in PROMPT_EVAL.findall(log)]
    writes = [(float(ms), int(n)) for ms, n in _EVAL.findall(log) if int(n) > 1]
    cold_ms, cold_n = max(reads, key=lambda r: r[1])
    written_ms, written_n = sum(w[0] for w in writes), sum(w[1] for w in writes)
    return cold_n / cold_ms * 1000, (written_n / written_ms * 1000) if written_ms else 0.0


def measure(setting: Setting, model_name: str, settings: Settings, message: str, repeats: int, tmp: Path) -> Figures:
    package = model_package(model_name)
    log = tmp / f"server-{setting.threads}-{setting.batch}-{setting.ctx}.log"
    server = EmbeddedServer(package, ensure_model_file(package, settings.storage.model_cache_dir), ServerOptions(
        host="127.0.0.1", port=free_port(), threads=setting.threads, ctx=setting.ctx, batch=setting.batch,
        ram_cache_bytes=settings.embedded.ram_cache_bytes, log_file=log, start_timeout_s=600,
    ))
    started = time.perf_counter()
    server.start()
    start_s = time.perf_counter() - started
    try:
        configured = settings.overridden(llm={"max_retries": 0, "timeout_s": 900.0})
        model = chat_model(Endpoint(server.base_url, package.name, "not-needed"), configured)
        extractor = Extractor(model, PromptLibrary(settings.content.prompts_dir))
        extractor.warm_up("candidate")  # the cold read of the fixed prefix
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            extractor.extract("candidate", [], PastTurn(None, message))
            times.append(time.perf_counter() - began)
        assert server.pid is not None
        rss = _rss_mib(server.pid)
    finally:
        server.stop()
    read_rate, write_rate = _rates(log.read_text(errors="replace"))
    return Figures(setting, start_s, read_rate, write_rate, statistics.median(times), rss)


def main() -> None:
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=defaults.embedded.model)
    parser.add_argument("--repeats", type=int, default=2, help="turns per setting (median reported)")
    args = parser.parse_args()
    base = Setting(defaults.embedded.threads or 2, defaults.embedded.batch, defaults.embedded.ctx)
    grid = [base, Setting(1, base.batch, base.ctx), Setting(base.threads, 64, base.ctx),
            Setting(base.threads, 256, base.ctx), Setting(base.threads, base.batch, 4096)]
    grid = list(dict.fromkeys(grid))
    # The same candidate message for every setting: the first of the first candidate case.
    message = next(c for c in load_cases() if c.kind == "candidate").messages[0]
    console.print({"machine": machine(), "model": args.model, "message": message, "repeats": args.repeats})
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for setting in grid:
            console.log(f"measuring {setting.label}")
            results.append(measure(setting, args.model, defaults, message, args.repeats, Path(tmp)))
    table = Table(title=f"Embedded server settings, {args.model}")
    for column in ("setting", "start s", "read tok/s (cold)", "write tok/s", "turn s", "RSS MiB"):
        table.add_column(column, justify="right")
    for f in results:
        table.add_row(f.setting.label + (" (default)" if f.setting == base else ""), f"{f.start_s:.1f}",
                      f"{f.read_tokens_per_s:.1f}", f"{f.write_tokens_per_s:.1f}", f"{f.turn_s:.1f}",
                      f"{f.rss_mib:,.0f}")
    console.print(table)


if __name__ == "__main__":
    main()
