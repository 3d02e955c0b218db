"""The local embedding model: its files are checked before use, and it runs with no hub access."""

import math
from pathlib import Path

import pytest

from assistant.core.errors import PlaybookUnavailable
from assistant.playbook.embedding import MINILM_SHA256, HashingEmbedder, MiniLMEmbedder, make_embedder, verify_files


def test_a_model_file_that_does_not_match_its_pinned_sum_is_refused(tmp_path: Path) -> None:
    for name in MINILM_SHA256:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"tampered")
    with pytest.raises(PlaybookUnavailable, match="SHA-256"):
        MiniLMEmbedder(model_dir=tmp_path).embed(["x"])
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(PlaybookUnavailable, match="missing"):
        verify_files(tmp_path, MINILM_SHA256)


def test_the_hashing_embedder_is_deterministic_and_unit_length() -> None:
    a, b = HashingEmbedder().embed(["keep the runner-up warm", "keep the runner-up warm"])
    assert a == b and math.isclose(sum(x * x for x in a), 1.0)
    with pytest.raises(PlaybookUnavailable, match="unknown embedder"):
        make_embedder("word2vec")


@pytest.mark.embedded
def test_minilm_loads_offline_from_the_installed_package_and_ranks_sensibly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = MiniLMEmbedder()
    query, silent, offer = embedder.embed([
        "the hiring manager has stopped replying to my emails",
        "When a client stops responding after an interview: reopen contact and re-qualify the role.",
        "References, background checks and getting to an accepted offer.",
    ])
    assert len(query) == 384
    assert math.isclose(sum(x * x for x in query), 1.0, rel_tol=1e-4)

    def cosine(u: list[float], v: list[float]) -> float:
        return sum(x * y for x, y in zip(u, v, strict=True))

    assert cosine(query, silent) > cosine(query, offer) + 0.1
