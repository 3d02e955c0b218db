"""Server mode: DEBRIEF_CHROMA_URL against a real `chroma run` on 127.0.0.1, started by the test."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.errors import PlaybookUnavailable
from assistant.core.settings import Settings
from assistant.playbook.embedding import HashingEmbedder
from assistant.playbook.search import Playbook
from tests.support.throwaway_servers import chroma_binary, chroma_server, free_port


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if chroma_binary() is None:
        pytest.skip("no chroma command (it comes with chromadb)")
    with chroma_server(tmp_path) as url:
        yield url


def test_ingest_and_search_through_a_chroma_server(tmp_path: Path, chroma_url: str) -> None:
    settings = Settings(storage={"data_dir": tmp_path, "chroma_url": chroma_url}, playbook={"embedder": "hash"})
    playbook = Playbook.from_settings(settings, HashingEmbedder())
    first = playbook.ingest()
    assert first.added > 60 and first.unchanged == 0
    assert playbook.ingest().embedded == 0  # incremental against the server too
    [top] = playbook.search("recognising a client who has gone quiet", k=1)
    assert top.citation.entry_id == "client-gone-silent"
    assert not (tmp_path / "chroma").exists(), "server mode writes nothing locally"


def test_a_server_that_is_down_is_a_typed_error(tmp_path: Path) -> None:
    settings = Settings(
        storage={"data_dir": tmp_path, "chroma_url": f"http://127.0.0.1:{free_port()}"},
        playbook={"embedder": "hash"},
    )
    with pytest.raises(PlaybookUnavailable):
        Playbook.from_settings(settings).search("anything")
