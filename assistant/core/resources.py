"""Where the files that ship with Debrief are found: read as package data, so a plain (non-editable)
install finds them as well as a checkout does."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _folder(package: str) -> Path:
    # Each of these is a regular package installed as files on disk (pip never installs Debrief zipped), so
    # its Traversable is a real directory that Jinja2, Chroma's ingest and the YAML loader can open.
    return Path(str(files(package)))


def prompts_folder() -> Path:
    return _folder("prompts")


def knowledge_folder() -> Path:
    return _folder("knowledge")


def flows_folder() -> Path:
    return _folder("assistant.conversation.flows")
