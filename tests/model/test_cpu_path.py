"""The embedded server's CPU path: never llama.cpp's repacked AMX kernels, which crash on this model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.model.cpu import BUILD_NOTE, cpu_path
from assistant.model.embedded import EmbeddedServer, ServerOptions, model_package

XEON = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 avx512f avx512_vnni amx_bf16 amx_tile amx_int8\n"
EPYC = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma f16c\n"
# What scripts/build-llama-server writes beside the binary.
NOTE = "llama-cpp-python 0.3.36 sdist 832d\ncmake -DGGML_NATIVE=ON -DCMAKE_C_FLAGS=-mno-amx-tile -mno-amx-int8\n"


def _cpuinfo(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    return path


def _binary(tmp_path: Path, note: str | None) -> Path:
    binary = tmp_path / "bin" / "llama-server"
    binary.parent.mkdir(exist_ok=True)
    if note is not None:
        (binary.parent / BUILD_NOTE).write_text(note)
    return binary


def test_an_amx_processor_with_a_build_that_may_use_amx_gets_no_repacking(tmp_path: Path) -> None:
    path = cpu_path(_binary(tmp_path, None), _cpuinfo(tmp_path, XEON))
    assert (path.amx, path.amx_compiled_out, path.repack) == (True, False, False)
    assert "--no-repack" in path.describe()


def test_an_amx_processor_with_amx_compiled_out_keeps_the_avx512_repacking(tmp_path: Path) -> None:
    path = cpu_path(_binary(tmp_path, NOTE), _cpuinfo(tmp_path, XEON))
    assert (path.amx, path.amx_compiled_out, path.repack) == (True, True, True)
    assert "avx512f" in path.describe() and "amx_int8" not in path.describe()


@pytest.mark.parametrize("note", [None, NOTE])
def test_other_processors_keep_the_repacked_kernels(tmp_path: Path, note: str | None) -> None:
    assert cpu_path(_binary(tmp_path, note), _cpuinfo(tmp_path, EPYC)).repack
    assert cpu_path(_binary(tmp_path, note), tmp_path / "missing").repack


def _command(tmp_path: Path, **options: object) -> list[str]:
    settings: dict[str, object] = dict(
        host="127.0.0.1", port=8999, threads=1, ctx=512, batch=64, ram_cache_bytes=0,
        log_file=tmp_path / "server.log", start_timeout_s=5, binary=tmp_path / "llama-server",
    )
    settings.update(options)
    return EmbeddedServer(model_package("qwen2.5-coder-1.5b"), tmp_path / "model.gguf",
                          ServerOptions(**settings)).command()  # type: ignore[arg-type]


def test_repacking_off_is_the_only_difference_in_the_launch(tmp_path: Path) -> None:
    plain, unpacked = _command(tmp_path, repack=True), _command(tmp_path, repack=False)
    assert plain[0] == str(tmp_path / "llama-server")
    assert "--no-repack" not in plain
    assert [arg for arg in unpacked if arg != "--no-repack"] == plain


def test_slots_and_the_ram_prompt_cache_reach_the_server(tmp_path: Path) -> None:
    command = _command(tmp_path, parallel=3, ram_cache_bytes=512 * 1024**2)
    assert command[command.index("--parallel") + 1] == "3"
    assert command[command.index("--cache-ram") + 1] == "512"
    assert "--kv-unified" in command
    off = _command(tmp_path, ram_cache_bytes=0)
    assert off[off.index("--cache-ram") + 1] == "0" and "--kv-unified" not in off
