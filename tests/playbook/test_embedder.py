"""The local embedding model: its files are checked before use, and it runs on onnxruntime, offline."""

import math
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.core.errors import PlaybookUnavailable
from assistant.playbook.embedding import (
    MINILM_L6_INT8,
    ONNX_MODELS,
    HashingEmbedder,
    OnnxEmbedder,
    make_embedder,
    verify_file,
)
from assistant.playbook.lexical import LexicalIndex, stem, terms


def test_a_model_file_that_does_not_match_its_pinned_sum_is_refused(tmp_path: Path) -> None:
    tampered = tmp_path / "model.onnx"
    tampered.write_bytes(b"tampered")
    with pytest.raises(PlaybookUnavailable, match="SHA-256"):
        OnnxEmbedder(ONNX_MODELS[MINILM_L6_INT8], model_file=tampered).embed(["x"])
    with pytest.raises(PlaybookUnavailable, match="missing"):
        verify_file(tmp_path / "gone.onnx", "0" * 64)


def test_a_model_package_that_is_not_installed_is_a_clear_error() -> None:
    absent = replace(ONNX_MODELS[MINILM_L6_INT8], distribution="no-such-embedding-package")
    with pytest.raises(PlaybookUnavailable, match="no-such-embedding-package"):
        OnnxEmbedder(absent).embed(["x"])


def test_the_hashing_embedder_is_deterministic_and_unit_length() -> None:
    a, b = HashingEmbedder().embed(["keep the runner-up warm", "keep the runner-up warm"])
    assert a == b and math.isclose(sum(x * x for x in a), 1.0)
    with pytest.raises(PlaybookUnavailable, match="unknown embedder"):
        make_embedder("word2vec")


def test_word_matching_ranks_the_passage_sharing_the_rare_words_first() -> None:
    assert stem("rejected") == stem("rejecting") == stem("rejects") == "reject"
    assert "the" not in terms("the offer") and "offer" in terms("the offer")
    index = LexicalIndex([
        ("silent", "The client stopped answering calls after the interview."),
        ("counter", "Her employer made a counter-offer when she resigned."),
        ("offer", "Making the offer and closing it."),
    ])
    assert [hit.key for hit in index.search("worried about a counter-offer", 3)][0] == "counter"
    assert index.search("worried about a counter-offer", 3, allowed=["offer"])[0].key == "offer"
    assert index.search("zzz unknown words", 3) == []


@pytest.mark.parametrize("name", [MINILM_L6_INT8])
def test_the_default_model_loads_offline_from_its_package_and_ranks_sensibly(name: str) -> None:
    embedder = make_embedder(name)
    query, silent, offer = embedder.embed([
        "the hiring manager has stopped replying to my emails",
        "When a client stops responding after an interview: reopen contact and re-qualify the role.",
        "References, background checks and getting to an accepted offer.",
    ])
    assert len(query) == embedder.dimension == 384
    assert math.isclose(sum(x * x for x in query), 1.0, rel_tol=1e-4)

    def cosine(u: list[float], v: list[float]) -> float:
        return sum(x * y for x, y in zip(u, v, strict=True))

    assert cosine(query, silent) > cosine(query, offer) + 0.1
    # Padding in a batch must not change a text's vector: the short text alone and beside a long one.
    [alone] = embedder.embed(["the hiring manager has stopped replying to my emails"])
    assert cosine(alone, query) > 0.9999
