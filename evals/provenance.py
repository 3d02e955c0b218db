"""What a figure was measured on: the model, the code revision, the prompts and the settings."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from assistant.core import Settings
from assistant.model import Endpoint

# The checkout the evals run from: its git revision is part of every figure's provenance.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def git_revision(root: Path = PROJECT_ROOT) -> str:
    """`git rev-parse HEAD`, marked when the tree has uncommitted changes; 'unknown' outside a checkout."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head or "unknown"


def prompt_hashes(prompts_dir: Path) -> dict[str, str]:
    """Short SHA-256 of each prompt file, as the audit log identifies them."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12] for path in sorted(prompts_dir.glob("*.j2"))
    }


_NOT_RESULT_SHAPING = {"host", "port", "start_timeout_s"}


def without_credentials(url: str) -> str:
    """Reports are committed: a user:password@ in the URL must not go with them."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else ""))) \
        if parts.hostname and "@" in parts.netloc else url


@dataclass
class RunInfo:
    model: str
    base_url: str
    embedded: bool
    suite: str
    case_ids: list[str]
    dataset_size: int
    baseline: bool
    revision: str = field(default_factory=git_revision)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    settings: dict[str, Any] = field(default_factory=dict)
    prompts: dict[str, str] = field(default_factory=dict)


def describe_run(
    endpoint: Endpoint | None, embedded: bool, settings: Settings, suite: str, case_ids: list[str],
    dataset_size: int, baseline: bool,
) -> RunInfo:
    """`endpoint` is None when the suites run needed no chat model."""
    knobs: dict[str, Any] = {
        "temperature": 0,
        "llm_timeout_s": settings.llm.timeout_s,
        "llm_max_retries": settings.llm.max_retries,
        "history_block_turns": settings.conversation.history_block_turns,
    }
    if embedded:
        # Every embedded knob that shapes the server (model, threads, context, cache, batch...), read
        # generically so a knob added later is reported without a change here; named as in earlier reports.
        knobs.update({
            f"embedded_{name}": value for name, value in settings.embedded.model_dump().items()
            if name not in _NOT_RESULT_SHAPING
        })
    return RunInfo(
        model=endpoint.model if endpoint else "no chat model",
        base_url=without_credentials(endpoint.base_url) if endpoint else "", embedded=embedded, suite=suite,
        case_ids=case_ids, dataset_size=dataset_size, baseline=baseline, settings=knobs,
        prompts=prompt_hashes(settings.content.prompts_dir),
    )
