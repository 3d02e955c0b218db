"""How much of each prompt the model server read anew and how much it reused from its cache.

Two sources, because servers differ:
- llama.cpp's own server (llama-server) puts `timings` {prompt_n, cache_n, predicted_n} in every
  answer, and OpenAI-style servers may report `usage.prompt_tokens_details.cached_tokens`: read from
  the raw response by an httpx event hook on the chat model's client.
- llama-cpp-python's server (the embedded model, 0.3.36) reports neither; it logs each request
  instead: "Llama.generate: N prefix-match hit, remaining M prompt tokens to eval", then
  "prompt eval time = ... / M tokens". Read from its log file, which this bench owns when it starts
  the server. Requests there run one at a time, so the lines written during a turn are that turn's.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx

_PREFIX_HIT = re.compile(r"Llama\.generate: (\d+) prefix-match hit, remaining (\d+) prompt tokens")
# Milliseconds and tokens of a prompt read; bench/server_options.py reads the speed from it too.
PROMPT_EVAL = re.compile(r"prompt eval time =\s*([\d.]+) ms /\s*(\d+) tokens")


@dataclass(frozen=True)
class Reuse:
    read: int  # prompt tokens the server processed for this request
    reused: int  # prompt tokens it restored from an earlier request's state instead


@dataclass(frozen=True)
class Mark:
    responses: int
    log_offset: int


class ReuseMeter:
    def __init__(self, log_file: Path | None = None) -> None:
        self.log_file = log_file
        self._from_responses: list[Reuse] = []
        self._guard = threading.Lock()

    @property
    def source(self) -> str:
        if self._from_responses:
            return "the server's responses (timings / cached_tokens)"
        return f"the server log {self.log_file}" if self.log_file else "not available"

    def hook(self, response: httpx.Response) -> None:
        """An httpx response hook: keeps what the server reported about the prompt, if anything."""
        if not response.url.path.endswith("/chat/completions"):
            return
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            return  # reading a stream here would consume it before the caller sees it
        response.read()
        try:
            body = response.json()
        except ValueError:
            return
        reuse = _from_body(body) if isinstance(body, dict) else None
        if reuse:
            with self._guard:
                self._from_responses.append(reuse)

    def mark(self) -> Mark:
        offset = self.log_file.stat().st_size if self.log_file and self.log_file.exists() else 0
        return Mark(len(self._from_responses), offset)

    def since(self, mark: Mark) -> Reuse | None:
        """The prompt reuse of the requests made since `mark`, summed; None when no source reports it."""
        calls = self._from_responses[mark.responses:]
        if not calls and self.log_file and self.log_file.exists():
            with self.log_file.open("rb") as log:
                log.seek(mark.log_offset)
                calls = parse_log(log.read().decode("utf-8", "replace"))
        if not calls:
            return None
        return Reuse(sum(c.read for c in calls), sum(c.reused for c in calls))


def _from_body(body: dict[str, object]) -> Reuse | None:
    timings = body.get("timings")
    if isinstance(timings, dict) and "prompt_n" in timings:
        return Reuse(int(timings["prompt_n"]), int(timings.get("cache_n", 0)))
    usage = body.get("usage")
    details = usage.get("prompt_tokens_details") if isinstance(usage, dict) else None
    if isinstance(usage, dict) and isinstance(details, dict) and details.get("cached_tokens") is not None:
        cached = int(details["cached_tokens"])
        return Reuse(int(usage.get("prompt_tokens", 0)) - cached, cached)
    return None


def parse_log(text: str) -> list[Reuse]:
    """One Reuse per request in a llama-cpp-python server log (run with its default verbose logging).

    Without a prefix-match line the server reused nothing; the prompt eval line then gives what it read.
    With one, its `remaining` count is what was read (the eval line would leave out a single token).
    """
    calls = []
    hit: tuple[int, int] | None = None
    for line in text.splitlines():
        if found := _PREFIX_HIT.search(line):
            hit = (int(found.group(1)), int(found.group(2)))
        elif found := PROMPT_EVAL.search(line):
            calls.append(Reuse(hit[1], hit[0]) if hit else Reuse(int(found.group(2)), 0))
            hit = None
    return calls
