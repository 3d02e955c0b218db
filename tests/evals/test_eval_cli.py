"""`debrief eval`: how its options are read (the run itself is replaced; no model is called)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

import evals.suites
from assistant.core.settings import Settings
from cli.main import app
from evals.endpoints import ModelOptionError, model_slug, parse_model_option
from evals.suites import EvalOptions, Suite

runner = CliRunner()


@pytest.mark.parametrize(("option", "base_url", "name"), [
    ("http://127.0.0.1:8077/v1/qwen2.5-coder-1.5b", "http://127.0.0.1:8077/v1", "qwen2.5-coder-1.5b"),
    ("https://api.openai.com/v1/gpt-4o-mini", "https://api.openai.com/v1", "gpt-4o-mini"),
    ("http://gpu-box:8000/v1/Qwen/Qwen2.5-7B-Instruct", "http://gpu-box:8000/v1", "Qwen/Qwen2.5-7B-Instruct"),
    ("http://localhost:11434/v1/qwen2.5:7b", "http://localhost:11434/v1", "qwen2.5:7b"),
    ("http://localhost:9000/api/my-model", "http://localhost:9000/api", "my-model"),
])
def test_model_option_splits_base_url_and_name(option: str, base_url: str, name: str) -> None:
    endpoint = parse_model_option(option, Settings(llm={"api_key": SecretStr("sk-test")}))
    assert (endpoint.base_url, endpoint.model, endpoint.api_key) == (base_url, name, "sk-test")


def test_a_bare_name_uses_the_configured_endpoint() -> None:
    endpoint = parse_model_option("gpt-4o", Settings(llm={"base_url": "https://api.openai.com/v1/"}))
    assert (endpoint.base_url, endpoint.model) == ("https://api.openai.com/v1", "gpt-4o")
    with pytest.raises(ModelOptionError, match="DEBRIEF_LLM_BASE_URL"):
        parse_model_option("gpt-4o", Settings(llm={"base_url": None}))
    for bad in ("http://127.0.0.1:8077/v1", "http://127.0.0.1:8077/v1/", "ftp://host/v1/m"):
        with pytest.raises(ModelOptionError):
            parse_model_option(bad, Settings())


def test_model_slug_is_a_folder_name() -> None:
    assert model_slug("Qwen/Qwen2.5-7B-Instruct") == "qwen-qwen2.5-7b-instruct"
    assert model_slug("qwen2.5:7b") == "qwen2.5-7b"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def fake_run(options: EvalOptions, settings: Settings, out: Any, err: Any, cases: Any = None,
                 models: Any = None) -> Path | None:
        seen.update(options=options, cases=[case.id for case in cases])
        return None

    monkeypatch.setattr(evals.suites, "run_evals", fake_run)
    return seen


def test_defaults_run_the_extraction_suite_on_every_case_with_the_baseline(captured: dict[str, Any]) -> None:
    result = runner.invoke(app, ["eval"])
    assert result.exit_code == 0, result.output
    options = captured["options"]
    assert (options.suite, options.model, options.baseline, options.out) == (Suite.EXTRACTION, None, True, None)
    assert len(captured["cases"]) == 54


def test_options_are_passed_through(captured: dict[str, Any], tmp_path: Path) -> None:
    result = runner.invoke(app, [
        "eval", "--model", "http://gpu-box:8000/v1/Qwen/Qwen2.5-7B-Instruct", "--suite", "all",
        "--cases", "cand-fintech-senior-01, client-software-junior-01,cand-pharma-mid-01", "--limit", "2",
        "--no-baseline", "--out", str(tmp_path),
    ])
    assert result.exit_code == 0, result.output
    options = captured["options"]
    assert options.suite is Suite.ALL and options.baseline is False and options.out == tmp_path
    assert options.model == "http://gpu-box:8000/v1/Qwen/Qwen2.5-7B-Instruct"
    # File order, then the limit.
    assert captured["cases"] == ["cand-fintech-senior-01", "cand-pharma-mid-01"]


@pytest.mark.parametrize(("args", "complaint"), [
    (["--suite", "speed"], "--suite"),
    (["--cases", "cand-nope-01"], "no such case: cand-nope-01"),
    (["--limit", "0"], "--limit"),
    (["--model", "http://127.0.0.1:8077/v1"], "names no model"),
])
def test_bad_options_are_refused_before_anything_runs(
    captured: dict[str, Any], args: list[str], complaint: str
) -> None:
    result = runner.invoke(app, ["eval", *args])
    assert result.exit_code == 2
    assert complaint in " ".join(result.output.split())
    assert not captured
