"""Prompts are Jinja2 files in prompts/; a missing variable fails loudly instead of sending a blank."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined


@dataclass(frozen=True)
class RenderedPrompt:
    name: str
    text: str
    # Identifies the template version in audit records and cassettes.
    template_sha256: str


class PromptLibrary:
    def __init__(self, prompts_dir: Path) -> None:
        self._dir = prompts_dir
        # Prompts are plain text for a model, not HTML: autoescape would mangle quotes in evidence.
        self._env = Environment(
            loader=FileSystemLoader(str(prompts_dir)),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=False,
        )

    def render(self, name: str, **variables: Any) -> RenderedPrompt:
        template = self._env.get_template(name)
        return RenderedPrompt(name, template.render(**variables).strip(), self.sha256(name))

    @lru_cache(maxsize=64)  # noqa: B019 - one library per process; templates do not change at run time
    def sha256(self, name: str) -> str:
        return hashlib.sha256((self._dir / name).read_bytes()).hexdigest()
