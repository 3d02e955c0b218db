"""Starting the embedded model server: what happens when its port is not free."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assistant.core.errors import ModelUnavailable
from assistant.model.embedded import EmbeddedServer, ServerOptions, model_package


def test_a_port_held_by_something_else_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = EmbeddedServer(
            model_package("qwen2.5-coder-1.5b"), tmp_path / "model.gguf",
            ServerOptions(host="127.0.0.1", port=port, threads=1, ctx=512, batch=64, ram_cache_bytes=0,
                          log_file=tmp_path / "server.log", start_timeout_s=5),
        )
        with pytest.raises(ModelUnavailable, match="DEBRIEF_EMBEDDED_PORT"):
            server.start()
