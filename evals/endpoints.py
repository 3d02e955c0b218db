"""Which model an eval run talks to: `--model URL/NAME`, the configured endpoint, or the embedded model.

`URL/NAME` is an OpenAI-compatible base URL with the model name appended. The base URL ends after
its first version segment (`/v1`, `/v2`, ...), so a name may itself hold slashes; without a version
segment the last `/` splits the two:

    http://127.0.0.1:8077/v1/qwen2.5-coder-1.5b    -> http://127.0.0.1:8077/v1 + qwen2.5-coder-1.5b
    http://gpu-box:8000/v1/Qwen/Qwen2.5-7B-Instruct -> http://gpu-box:8000/v1  + Qwen/Qwen2.5-7B-Instruct
    http://localhost:9000/api/my-model             -> http://localhost:9000/api + my-model

A bare NAME (no scheme) means that model at the configured endpoint (DEBRIEF_LLM_BASE_URL).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from assistant.core import Settings
from assistant.model import Endpoint

_VERSION_SEGMENT = re.compile(r"v\d+")


class ModelOptionError(ValueError):
    """The --model value cannot be read as URL/NAME."""


def parse_model_option(text: str, settings: Settings) -> Endpoint:
    text = text.strip()
    api_key = settings.llm.api_key.get_secret_value() if settings.llm.api_key else "not-needed"
    if "://" not in text:
        if not settings.llm.base_url:
            raise ModelOptionError(
                f"{text!r} has no URL and DEBRIEF_LLM_BASE_URL is not set: write URL/NAME, "
                "e.g. http://localhost:11434/v1/qwen2.5:7b"
            )
        if not text:
            raise ModelOptionError("the model name is empty")
        return Endpoint(settings.llm.base_url.rstrip("/"), text, api_key)

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ModelOptionError(f"{text!r} is not an http(s) URL followed by /NAME")
    segments = parts.path.strip("/").split("/") if parts.path.strip("/") else []
    version_at = next((i for i, s in enumerate(segments) if _VERSION_SEGMENT.fullmatch(s)), None)
    if version_at is not None:
        base_segments, name_segments = segments[: version_at + 1], segments[version_at + 1:]
    else:
        base_segments, name_segments = segments[:-1], segments[-1:]
    name = "/".join(name_segments)
    if not name:
        raise ModelOptionError(f"{text!r} names no model: append /NAME to the base URL")
    base = f"{parts.scheme}://{parts.netloc}" + "".join(f"/{s}" for s in base_segments)
    return Endpoint(base, name, api_key)


def model_slug(name: str) -> str:
    """A folder name for a model: 'Qwen/Qwen2.5-7B-Instruct' -> 'qwen-qwen2.5-7b-instruct'."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.")
    return slug or "model"
