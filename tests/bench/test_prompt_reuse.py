"""bench/prompt_reuse.py: what a server read anew and what it reused, from its log or its answers."""
# ruff: noqa: E501 - the log lines below are kept exactly as long as the server writes them

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bench.prompt_reuse import Reuse, ReuseMeter, parse_log

# Lines as llama-cpp-python 0.3.36's server writes them, other lines of the same requests in between.
COLD = """Llama._create_completion: cache miss
llama_perf_context_print:        load time =   45552.00 ms
llama_perf_context_print: prompt eval time =   19406.21 ms /  1126 tokens (   17.23 ms per token,    58.02 tokens per second)
llama_perf_context_print:        eval time =    5000.00 ms /    40 runs   (  125.00 ms per token,     8.00 tokens per second)
INFO:     127.0.0.1:32858 - "POST /v1/chat/completions HTTP/1.1" 200 OK
"""
WARM = """Llama._create_completion: cache hit
Llama.generate: 1085 prefix-match hit, remaining 57 prompt tokens to eval
llama_perf_context_print: prompt eval time =    1608.78 ms /    56 tokens (   28.99 ms per token,    34.50 tokens per second)
llama_perf_context_print:        eval time =   19526.40 ms /   346 runs   (   56.43 ms per token,    17.72 tokens per second)
"""


def test_a_log_gives_one_reuse_per_request() -> None:
    assert parse_log(COLD + WARM) == [Reuse(read=1126, reused=0), Reuse(read=57, reused=1085)]


def test_only_the_requests_after_the_mark_are_counted(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text(COLD)
    meter = ReuseMeter(log)
    mark = meter.mark()
    assert meter.since(mark) is None
    with log.open("a") as f:
        f.write(WARM + WARM)
    assert meter.since(mark) == Reuse(read=114, reused=2170)


def _answer(body: dict[str, object], content_type: str = "application/json") -> httpx.Response:
    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
    # Unread, as an event hook receives it.
    return httpx.Response(200, stream=httpx.ByteStream(json.dumps(body).encode()),
                          headers={"content-type": content_type}, request=request)


def test_llama_server_timings_and_openai_cached_tokens_are_read_from_answers() -> None:
    meter = ReuseMeter()
    mark = meter.mark()
    meter.hook(_answer({"timings": {"prompt_n": 40, "cache_n": 800, "predicted_n": 12}}))
    meter.hook(_answer({"usage": {"prompt_tokens": 900, "prompt_tokens_details": {"cached_tokens": 880}}}))
    assert meter.since(mark) == Reuse(read=60, reused=1680)


def test_answers_without_figures_and_streams_are_left_alone() -> None:
    meter = ReuseMeter()
    mark = meter.mark()
    meter.hook(_answer({"usage": {"prompt_tokens": 900}}))
    stream = _answer({"timings": {"prompt_n": 1, "cache_n": 2}}, content_type="text/event-stream")
    meter.hook(stream)
    assert meter.since(mark) is None
    assert not stream.is_stream_consumed
