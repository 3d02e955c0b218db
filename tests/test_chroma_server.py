"""Server mode: DEBRIEF_CHROMA_URL against a real `chroma run` on 127.0.0.1, started by the test."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.embedding import HashingEmbedder
from assistant.errors import PlaybookUnavailable
from assistant.playbook import Playbook
from assistant.settings import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    binary = Path(sys.executable).parent / "chroma"
    if not binary.exists():
        binary = Path(shutil.which("chroma") or "chroma")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    server = subprocess.Popen(
        [str(binary), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_ingest_and_search_through_a_chroma_server(tmp_path: Path, chroma_url: str) -> None:
    settings = Settings(data_dir=tmp_path, chroma_url=chroma_url, embedder="hash")
    playbook = Playbook.from_settings(settings, HashingEmbedder())
    first = playbook.ingest()
    assert first.added > 60 and first.unchanged == 0
    assert playbook.ingest().embedded == 0  # incremental against the server too
    [top] = playbook.search("recognising a client who has gone quiet", k=1)
    assert top.citation.entry_id == "client-gone-silent"
    assert not (tmp_path / "chroma").exists(), "server mode writes nothing locally"


def test_a_server_that_is_down_is_a_typed_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{_free_port()}", embedder="hash")
    with pytest.raises(PlaybookUnavailable):
        Playbook.from_settings(settings).search("anything")
