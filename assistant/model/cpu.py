"""Which CPU path the embedded model server takes, decided from what the processor reports.

llama.cpp repacks Q4_K_M weights into a layout for the processor's widest kernels (AVX2, AVX-512) at
load: on most machines that is where its speed comes from. On Intel processors with AMX (Sapphire
Rapids and later, `amx_int8` in /proc/cpuinfo) the repacked AMX buffer crashes the server on its first
completion (a general protection fault in libggml-cpu, llama.cpp issue 20824). So on such a processor
the weights are not repacked at all, whatever build is installed; elsewhere they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")


@dataclass(frozen=True)
class CpuPath:
    amx: bool
    repack: bool

    def describe(self) -> str:
        if self.amx:
            return "the CPU reports AMX: weights are not repacked (llama.cpp's AMX kernels crash on this model)"
        return "no AMX reported: weights repacked for the CPU's AVX2/AVX-512 kernels"


def cpu_flags(cpuinfo: Path = CPUINFO) -> set[str]:
    try:
        text = cpuinfo.read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def cpu_path(cpuinfo: Path = CPUINFO) -> CpuPath:
    amx = "amx_int8" in cpu_flags(cpuinfo)
    return CpuPath(amx=amx, repack=not amx)
