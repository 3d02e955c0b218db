"""`debrief serve --workers N`: several workers only with one model endpoint they all share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from assistant.core.settings import get_settings
from cli.main import app


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append((target, options)))
    monkeypatch.setenv("DEBRIEF_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DEBRIEF_LLM_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_several_workers_without_a_model_endpoint_are_refused(started: list[Any]) -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code != 0
    assert "serve-model" in result.output
    assert started == []  # no worker started its own embedded model


def test_several_workers_share_one_port(started: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBRIEF_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["serve", "--workers", "3", "--port", "8123"])
    assert result.exit_code == 0, result.output
    [(target, options)] = started
    # uvicorn needs an import string to start the app anew in every worker process.
    assert target == "api.app:create_app"
    assert options["factory"] is True and options["workers"] == 3 and options["port"] == 8123
