"""The HTTP service: where it listens, who may call it, and how much a caller may send."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from assistant.core.settings.group import SettingsGroup


class ServerSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

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
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description=(
            "The service log on stderr: `json` (one object per line, with the request id, for a log store), "
            "`text` (plain lines, with the request id), or `auto` (text on a terminal, JSON otherwise)."
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="The lowest level the service log shows.",
    )
    behind_https: bool = Field(
        default=False,
        description=(
            "The service is reached over HTTPS (TLS ends at a proxy in front of it): the session cookie is then "
            "marked Secure, so a browser never sends it over plain http."
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


class AccessSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

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


class LimitsSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

    max_message_chars: int = Field(
        default=8000,
        description=(
            "Longest accepted message."
        ),
    )
    max_spec_chars: int = Field(
        default=20_000, ge=100,
        description=(
            "Longest original job spec, pasted or uploaded."
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
