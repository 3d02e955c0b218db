"""The settings object in groups: every variable operators have deployed with still reaches its field,
from the environment and from a .env file, and overrides in code name the group they change."""

from __future__ import annotations

import os
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import SecretStr, ValidationError
from pydantic.fields import FieldInfo

from assistant.core import Settings

# Every variable of the flat settings object that came before the groups, and where it now lands.
# Deployments set these names: none may change.
DEPLOYED = {
    "DEBRIEF_LLM_BASE_URL": "llm.base_url",
    "DEBRIEF_LLM_MODEL": "llm.model",
    "DEBRIEF_LLM_API_KEY": "llm.api_key",
    "DEBRIEF_LLM_TIMEOUT_S": "llm.timeout_s",
    "DEBRIEF_LLM_MAX_RETRIES": "llm.max_retries",
    "DEBRIEF_LLM_BREAKER_FAILURES": "llm.breaker_failures",
    "DEBRIEF_LLM_BREAKER_COOLDOWN_S": "llm.breaker_cooldown_s",
    "DEBRIEF_REDACT_PII": "privacy.redact_pii",
    "DEBRIEF_EMBEDDED_MODEL": "embedded.model",
    "DEBRIEF_EMBEDDED_HOST": "embedded.host",
    "DEBRIEF_EMBEDDED_PORT": "embedded.port",
    "DEBRIEF_EMBEDDED_THREADS": "embedded.threads",
    "DEBRIEF_EMBEDDED_CTX": "embedded.ctx",
    "DEBRIEF_EMBEDDED_RAM_CACHE_BYTES": "embedded.ram_cache_bytes",
    "DEBRIEF_EMBEDDED_BATCH": "embedded.batch",
    "DEBRIEF_EMBEDDED_REPACK": "embedded.repack",
    "DEBRIEF_EMBEDDED_PARALLEL": "embedded.parallel",
    "DEBRIEF_EMBEDDED_SERVER_BINARY": "embedded.server_binary",
    "DEBRIEF_EMBEDDED_START_TIMEOUT_S": "embedded.start_timeout_s",
    "DEBRIEF_EMBEDDED_WARM_UP": "embedded.warm_up",
    "DEBRIEF_DATA_DIR": "storage.data_dir",
    "DEBRIEF_MODEL_CACHE_DIR": "storage.model_cache_dir",
    "DEBRIEF_DATABASE_URL": "storage.database_url",
    "DEBRIEF_SQLITE_SYNC": "storage.sqlite_sync",
    "DEBRIEF_API_KEYS": "access.api_keys",
    "DEBRIEF_CREATE_DEV_KEY": "access.create_dev_key",
    "DEBRIEF_PROMPTS_DIR": "content.prompts_dir",
    "DEBRIEF_FLOWS_DIR": "content.flows_dir",
    "DEBRIEF_KNOWLEDGE_DIR": "content.knowledge_dir",
    "DEBRIEF_EMBEDDER": "playbook.embedder",
    "DEBRIEF_EMBEDDER_THREADS": "playbook.embedder_threads",
    "DEBRIEF_CHROMA_PATH": "storage.chroma_path",
    "DEBRIEF_CHROMA_URL": "storage.chroma_url",
    "DEBRIEF_PLAYBOOK_AUTO_INGEST": "playbook.auto_ingest",
    "DEBRIEF_GUIDANCE_PER_TURN": "playbook.guidance_per_turn",
    "DEBRIEF_GUIDANCE_MIN_SIMILARITY": "playbook.guidance_min_similarity",
    "DEBRIEF_HOST": "server.host",
    "DEBRIEF_PORT": "server.port",
    "DEBRIEF_LOG_FORMAT": "server.log_format",
    "DEBRIEF_LOG_LEVEL": "server.log_level",
    "DEBRIEF_SESSION_SECRET": "access.session_secret",
    "DEBRIEF_SESSION_MAX_AGE_S": "access.session_max_age_s",
    "DEBRIEF_BEHIND_HTTPS": "server.behind_https",
    "DEBRIEF_MAX_MESSAGE_CHARS": "limits.max_message_chars",
    "DEBRIEF_MAX_REQUEST_BYTES": "limits.max_request_bytes",
    "DEBRIEF_RATE_LIMIT_PER_MINUTE": "limits.rate_limit_per_minute",
    "DEBRIEF_RATE_LIMIT_BURST": "limits.rate_limit_burst",
    "DEBRIEF_IDEMPOTENCY_TTL_S": "server.idempotency_ttl_s",
    "DEBRIEF_RETENTION_DAYS": "privacy.retention_days",
    "DEBRIEF_HISTORY_BLOCK_TURNS": "conversation.history_block_turns",
    "DEBRIEF_REFINE_IN_BACKGROUND": "refinement.in_background",
    "DEBRIEF_REFINE_DELAY_S": "refinement.delay_s",
    "DEBRIEF_REFINE_BEFORE_DRAFTS": "refinement.before_drafts",
    "DEBRIEF_REFINE_ON_COMPLETION": "refinement.on_completion",
    "DEBRIEF_NAMES_IN_TURNS": "conversation.names_in_turns",
    "DEBRIEF_SPLIT_OVER_CHARS": "conversation.split_over_chars",
    "DEBRIEF_DRAFT_MAX_TOKENS": "drafting.max_tokens",
    "DEBRIEF_DRAFT_MAX_UNSUPPORTED_SHARE": "drafting.max_unsupported_share",
    "DEBRIEF_MAX_SPEC_CHARS": "limits.max_spec_chars",
    "DEBRIEF_JUDGE_BASE_URL": "judge.base_url",
    "DEBRIEF_JUDGE_MODEL": "judge.model",
    "DEBRIEF_JUDGE_API_KEY": "judge.api_key",
    "DEBRIEF_ATS_DELIVER_IN_BACKGROUND": "ats.deliver_in_background",
    "DEBRIEF_ATS_POLL_INTERVAL_S": "ats.poll_interval_s",
    "DEBRIEF_ATS_RETRY_SCHEDULE_S": "ats.retry_schedule_s",
    "DEBRIEF_ATS_LEASE_S": "ats.lease_s",
    "DEBRIEF_ATS_REQUEST_TIMEOUT_S": "ats.request_timeout_s",
    "DEBRIEF_ATS_BATCH_SIZE": "ats.batch_size",
    "DEBRIEF_ATS_SENDERS": "ats.senders",
    "DEBRIEF_ATS_ALLOW_PRIVATE_URLS": "ats.allow_private_urls",
    "DEBRIEF_ATS_GREENHOUSE_API_KEY": "ats.greenhouse_api_key",
    "DEBRIEF_ATS_GREENHOUSE_ON_BEHALF_OF": "ats.greenhouse_on_behalf_of",
    "DEBRIEF_ATS_GREENHOUSE_BASE_URL": "ats.greenhouse_base_url",
    "DEBRIEF_ATS_GREENHOUSE_VISIBILITY": "ats.greenhouse_visibility",
    "DEBRIEF_ATS_LEVER_API_KEY": "ats.lever_api_key",
    "DEBRIEF_ATS_LEVER_PERFORM_AS": "ats.lever_perform_as",
    "DEBRIEF_ATS_LEVER_BASE_URL": "ats.lever_base_url",
    "DEBRIEF_ATS_ASHBY_API_KEY": "ats.ashby_api_key",
    "DEBRIEF_ATS_ASHBY_BASE_URL": "ats.ashby_base_url",
}


@pytest.fixture(autouse=True)
def _bare_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No DEBRIEF_ variable from the shell or the test suite's defaults, and no .env but the test's own."""
    for name in list(os.environ):
        if name.upper().startswith("DEBRIEF_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _field(path: str) -> FieldInfo:
    group, name = path.split(".")
    return Settings.groups()[group].model_fields[name]


def _read(settings: Settings, path: str) -> Any:
    group, name = path.split(".")
    value = getattr(getattr(settings, group), name)
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _probe(variable: str, field: FieldInfo) -> tuple[str, Any]:
    """A value for the variable, as text and as the field should hold it, that differs from the default."""
    kinds = [k for k in get_args(field.annotation) if k is not type(None)] \
        if get_origin(field.annotation) in (Union, types.UnionType) else [field.annotation]
    kind, default = kinds[0], field.get_default(call_default_factory=True)
    if kind is bool:
        return str(not default).lower(), not default
    if get_origin(kind) is Literal:
        choice = next(c for c in get_args(kind) if c != default)
        return choice, choice
    if kind is int:
        return str((default or 2) + 1), (default or 2) + 1
    if kind is float:
        return str(default / 2), default / 2
    if get_origin(kind) is list:
        return "[7, 70]", [7.0, 70.0]
    if kind is Path:
        return f"/srv/probe/{variable.lower()}", Path(f"/srv/probe/{variable.lower()}")
    assert kind in (str, SecretStr), f"{variable}: no probe for {kind}"
    return f"probe-{variable.lower()}", f"probe-{variable.lower()}"


def test_the_variables_the_settings_read_are_the_deployed_ones() -> None:
    declared = {
        group.variable(name): f"{group_name}.{name}"
        for group_name, group in Settings.groups().items() for name in group.model_fields
    }
    assert declared == DEPLOYED


@pytest.mark.parametrize("variable", sorted(DEPLOYED))
@pytest.mark.parametrize("source", ["environment", ".env file"])
def test_each_deployed_variable_reaches_its_field(
    variable: str, source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = DEPLOYED[variable]
    text, expected = _probe(variable, _field(path))
    assert _read(Settings(), path) != expected
    if source == "environment":
        monkeypatch.setenv(variable, text)
    else:
        (tmp_path / ".env").write_text(f"OTHER_APP_SETTING=1\n{variable}={text}\n")
    assert _read(Settings(), path) == expected


def test_a_variable_in_the_environment_wins_over_the_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEBRIEF_EMBEDDED_PORT=9001\nDEBRIEF_PORT=9002\n")
    monkeypatch.setenv("DEBRIEF_EMBEDDED_PORT", "9003")
    settings = Settings()
    assert (settings.embedded.port, settings.server.port) == (9003, 9002)


def test_out_of_range_values_are_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBRIEF_LLM_TIMEOUT_S", "0")
    with pytest.raises(ValidationError, match="timeout_s"):
        Settings()
    monkeypatch.setenv("DEBRIEF_LLM_TIMEOUT_S", "5")
    monkeypatch.setenv("DEBRIEF_GUIDANCE_MIN_SIMILARITY", "1.5")
    with pytest.raises(ValidationError, match="guidance_min_similarity"):
        Settings()


def test_a_group_given_as_values_still_reads_its_other_fields_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEBRIEF_EMBEDDER", "hash")
    monkeypatch.setenv("DEBRIEF_LLM_MODEL", "from-env")
    settings = Settings(playbook={"guidance_per_turn": 5}, llm={"timeout_s": 7})
    assert (settings.playbook.guidance_per_turn, settings.playbook.embedder) == (5, "hash")
    assert (settings.llm.timeout_s, settings.llm.model) == (7.0, "from-env")


def test_a_misspelt_field_or_group_is_refused() -> None:
    with pytest.raises(ValidationError, match="timeout"):
        Settings(llm={"timeout": 5})
    with pytest.raises(ValidationError, match="data_dir"):
        Settings(data_dir="/srv/debrief")  # type: ignore[arg-type]
    settings = Settings()
    with pytest.raises(ValueError, match="timeout"):
        settings.overridden(llm={"timeout": 5})
    with pytest.raises(ValueError, match="llms"):
        settings.overridden(llms={"timeout_s": 5})


def test_overridden_changes_only_the_named_fields_and_validates_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBRIEF_LLM_MODEL", "configured")
    settings = Settings()
    changed = settings.overridden(llm={"timeout_s": "5"}, playbook={"auto_ingest": False})
    assert (changed.llm.timeout_s, changed.llm.model, changed.playbook.auto_ingest) == (5.0, "configured", False)
    assert (settings.llm.timeout_s, settings.playbook.auto_ingest) == (120.0, True), "the original is unchanged"
    with pytest.raises(ValidationError):
        settings.overridden(drafting={"max_unsupported_share": 2})


def test_the_values_made_from_several_fields_follow_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEBRIEF_DATA_DIR", str(tmp_path))
    storage = Settings().storage
    assert storage.resolved_database_url == f"sqlite:///{tmp_path / 'debrief.db'}"
    assert storage.resolved_chroma_path == tmp_path / "chroma"
    assert storage.embedded_server_log == tmp_path / "embedded-server.log"
    monkeypatch.setenv("DEBRIEF_DATABASE_URL", "postgresql+psycopg://db/debrief")
    monkeypatch.setenv("DEBRIEF_CHROMA_PATH", str(tmp_path / "elsewhere"))
    storage = Settings().storage
    assert storage.resolved_database_url == "postgresql+psycopg://db/debrief"
    assert storage.resolved_chroma_path == tmp_path / "elsewhere"
    assert Settings().llm.uses_embedded_model
    monkeypatch.setenv("DEBRIEF_LLM_BASE_URL", "https://api.openai.com/v1")
    assert not Settings().llm.uses_embedded_model
