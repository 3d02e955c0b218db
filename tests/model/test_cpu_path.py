"""The embedded server's CPU path: never llama.cpp's repacked AMX kernels, which crash on this model."""

from __future__ import annotations

from pathlib import Path

from assistant.model.cpu import cpu_path
from assistant.model.embedded import EmbeddedServer, ServerOptions, model_package

XEON = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 avx512f avx512_vnni amx_bf16 amx_tile amx_int8\n"
EPYC = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma f16c\n"


def _cpuinfo(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    return path


def test_a_processor_with_amx_gets_no_repacking(tmp_path: Path) -> None:
    path = cpu_path(_cpuinfo(tmp_path, XEON))
    assert (path.amx, path.repack) == (True, False)
    assert "AMX" in path.describe()


def test_other_processors_keep_the_repacked_kernels(tmp_path: Path) -> None:
    assert cpu_path(_cpuinfo(tmp_path, EPYC)).repack
    assert cpu_path(tmp_path / "missing").repack


def _server(tmp_path: Path, repack: bool) -> EmbeddedServer:
    return EmbeddedServer(
        model_package("qwen2.5-coder-1.5b"), tmp_path / "model.gguf",
        ServerOptions(host="127.0.0.1", port=8999, threads=1, ctx=512, batch=64, ram_cache_bytes=0,
                      log_file=tmp_path / "server.log", start_timeout_s=5, repack=repack),
    )


def test_without_repacking_the_server_runs_through_the_wrapper_with_the_same_options(tmp_path: Path) -> None:
    plain, wrapped = _server(tmp_path, True).command(), _server(tmp_path, False).command()
    assert plain[1:3] == ["-m", "llama_cpp.server"]
    assert wrapped[1:3] == ["-m", "assistant.model.serve_without_repack"]
    assert plain[3:] == wrapped[3:]
