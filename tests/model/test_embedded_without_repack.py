"""The path taken on processors with AMX when llama-server may use it, run here on whatever processor CI
has: the real embedded model served without repacked weights answers, and its log shows no repacked
buffer."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from assistant.core.settings import Settings
from assistant.model.embedded import EmbeddedServer, ServerOptions, ensure_model_file, model_package

pytestmark = pytest.mark.embedded


class _TracedServer(EmbeddedServer):
    def command(self) -> list[str]:
        # llama-server names its weight buffers only at trace verbosity.
        return [*super().command(), "--verbosity", "4"]


def test_the_model_answers_with_repacking_off(tmp_path: Path) -> None:
    package = model_package("qwen2.5-coder-1.5b")
    model_file = ensure_model_file(package, Settings().storage.model_cache_dir)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "server.log"
    server = _TracedServer(package, model_file, ServerOptions(
        host="127.0.0.1", port=port, threads=None, ctx=1024, batch=64, ram_cache_bytes=0, log_file=log,
        start_timeout_s=180, repack=False,
    ))
    server.start()
    try:
        answer = httpx.post(f"{server.base_url}/chat/completions", timeout=180, json={
            "messages": [{"role": "user", "content": "Name one strength a recruiter might note. One word."}],
            "max_tokens": 8, "temperature": 0,
        }).json()
    finally:
        server.stop()
    assert answer["choices"][0]["message"]["content"].strip()
    buffers = [line for line in log.read_text().splitlines() if "model buffer size" in line]
    assert buffers, "the server log names no model buffer: cannot tell which path was taken"
    assert not [line for line in buffers if "REPACK" in line or "AMX" in line], buffers
