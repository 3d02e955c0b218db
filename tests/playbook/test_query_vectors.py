"""Query vectors kept for the next time the same words are asked: once per wording, once at a time."""

import threading
from collections.abc import Sequence

import pytest

from assistant.core.errors import PlaybookUnavailable
from assistant.playbook.query_vectors import QueryVectors
from tests.support.playbook_fixtures import CountingEmbedder


def _vectors(embedder: CountingEmbedder, kept: int = 8) -> QueryVectors:
    return QueryVectors(lambda text: embedder.embed([text])[0], kept)


def test_the_same_words_are_embedded_once_whatever_their_spacing() -> None:
    embedder = CountingEmbedder()
    vectors = _vectors(embedder)
    first = vectors.get("client gone quiet")
    assert vectors.get("  client   gone\nquiet ") == first
    assert embedder.texts == ["client gone quiet"]
    assert vectors.get("Client gone quiet") != [] and len(embedder.texts) == 2  # other words, own vector


def test_the_least_recently_used_vector_is_dropped_first() -> None:
    embedder = CountingEmbedder()
    vectors = _vectors(embedder, kept=2)
    vectors.get("one")
    vectors.get("two")
    vectors.get("one")
    vectors.get("three")  # drops "two", the least recently asked
    embedder.texts.clear()
    vectors.get("one")
    vectors.get("two")
    assert embedder.texts == ["two"] and len(vectors) == 2


def test_callers_asking_at_once_share_one_embedding() -> None:
    started, release = threading.Event(), threading.Event()

    class Slow(CountingEmbedder):
        def embed(self, texts: Sequence[str]) -> list[list[float]]:
            started.set()
            release.wait(5)
            return super().embed(texts)

    embedder = Slow()
    vectors = _vectors(embedder)
    got: list[list[float]] = []
    first = threading.Thread(target=lambda: got.append(vectors.get("counter-offer")))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=lambda: got.append(vectors.get("counter-offer")))
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert len(got) == 2 and got[0] == got[1]
    assert embedder.texts == ["counter-offer"]


def test_a_failed_embedding_is_not_kept() -> None:
    calls: list[str] = []

    def flaky(text: str) -> list[float]:
        calls.append(text)
        if len(calls) == 1:
            raise PlaybookUnavailable("model file missing")
        return [1.0]

    vectors = QueryVectors(flaky)
    with pytest.raises(PlaybookUnavailable):
        vectors.get("references")
    assert vectors.get("references") == [1.0] and len(calls) == 2
