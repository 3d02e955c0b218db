"""`python -m assistant.model.serve_without_repack ARGS`: llama-cpp-python's server with llama.cpp's
weight repacking off (its "extra buffer types"), for processors whose repacked path crashes (see cpu.py).

llama-cpp-python exposes the switch only in the C parameter struct, not as a server option, so the
default model parameters are wrapped before the server module runs with the arguments it was given.
"""

from __future__ import annotations

import runpy
from typing import Any

import llama_cpp.llama_cpp as native


def _without_extra_buffers(default: Any) -> Any:
    def params() -> Any:
        value = default()
        value.use_extra_bufts = False
        return value

    return params


if __name__ == "__main__":
    native.llama_model_default_params = _without_extra_buffers(native.llama_model_default_params)
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
