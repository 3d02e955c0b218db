"""Which CPU path the embedded model server takes, decided from its build and what the processor reports.

llama.cpp repacks Q4_K_M weights into a layout for the processor's widest kernels (AVX2, AVX-512) at
load: on most machines that is where its speed comes from. On Intel processors with AMX (Sapphire
Rapids and later, `amx_int8` in /proc/cpuinfo) the repacked AMX buffer crashes the server on its first
completion (a general protection fault in libggml-cpu, llama.cpp issue 20824).

scripts/build-llama-server compiles llama-server for this machine with AMX compiled out (ggml builds
its AMX buffer type only when the compiler defines __AMX_INT8__), and says so in the build note beside
the binary: such a build repacks for AVX-512 even on an AMX processor. A binary not known to be built
that way runs with `--no-repack` on an AMX processor: slower, never the crashing path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# Written by scripts/build-llama-server next to the binary: the source it came from and its build flags.
BUILD_NOTE = "llama-server.BUILD"
_SIMD = ("avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8")


@dataclass(frozen=True)
class CpuPath:
    amx: bool
    amx_compiled_out: bool
    simd: tuple[str, ...] = ()

    @property
    def repack(self) -> bool:
        return not self.amx or self.amx_compiled_out

    def describe(self) -> str:
        kernels = " ".join(f for f in self.simd if not (f.startswith("amx") and self.amx_compiled_out)) or "unknown"
        if not self.amx:
            how = "no AMX reported: weights repacked for the CPU's kernels"
        elif self.amx_compiled_out:
            how = "the CPU reports AMX, compiled out of this llama-server build: weights repacked for AVX-512"
        else:
            how = ("the CPU reports AMX and this llama-server build may use it: weights not repacked "
                   "(--no-repack; llama.cpp's AMX kernels crash on this model)")
        return f"{how}; instruction sets {kernels}"


def cpu_flags(cpuinfo: Path = CPUINFO) -> set[str]:
    try:
        text = cpuinfo.read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def amx_compiled_out(binary: Path) -> bool:
    """True when the build note beside `binary` says AMX was compiled out (scripts/build-llama-server)."""
    try:
        return "-mno-amx-int8" in (binary.parent / BUILD_NOTE).read_text()
    except OSError:
        return False


def cpu_path(binary: Path, cpuinfo: Path = CPUINFO) -> CpuPath:
    flags = cpu_flags(cpuinfo)
    return CpuPath(amx="amx_int8" in flags, amx_compiled_out=amx_compiled_out(binary),
                   simd=tuple(f for f in _SIMD if f in flags))
