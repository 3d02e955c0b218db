"""The eval run end to end on a scripted model: terminal tables, report.md, summary, chart, raw records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import BaseMessage
from rich.console import Console

from assistant.core.settings import Settings
from assistant.model.llm import Endpoint
from evals.provenance import describe_run
from evals.suites import (
    SUITE_RUNNERS,
    Connection,
    EvalOptions,
    ModelConnection,
    Suite,
    SuiteContext,
    SuiteResult,
    run_evals,
    select_cases,
)
from tests.support.fakes import ScriptedChatModel

CASE_IDS = ["cand-fintech-senior-01", "client-healthcare-manager-02"]


def _script(messages: list[BaseMessage]) -> list[dict[str, str]] | dict[str, Any]:
    text = str(messages[-1].content)
    if "answer with the whole record" in text:  # the baseline: a whole record, one quote invented
        return {"candidate_name": {"value": "Tomasz Wrobel", "evidence": ["Tomasz Wrobel, senior engineer"]}}
    newest = text.split("<message>")[-1].split("</message>")[0].strip()
    if newest.startswith("tomasz wrobel"):
        return [{"field": "candidate_name", "quote": "tomasz wrobel"}]
    if newest.startswith("willowmere care"):
        return [{"field": "company", "quote": "willowmere care"},
                {"field": "candidate_name", "quote": "patricia doyle"}]
    return []


class ScriptedConnection(ModelConnection):
    def get(self) -> Connection:
        if self.connection is None:
            endpoint = Endpoint("http://gpu-box:8000/v1", "Qwen/Qwen2.5-7B-Instruct", "not-needed")
            self.connection = Connection(endpoint, False, ScriptedChatModel(script=_script))
        return self.connection


def test_a_run_prints_tables_and_writes_the_report(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    settings = Settings(storage={"data_dir": tmp_path})
    out, err = Console(record=True, width=120), Console(record=True, width=120, stderr=True)
    cases = select_cases(CASE_IDS)
    report = run_evals(EvalOptions(case_ids=CASE_IDS, out=tmp_path / "results"), settings, out, err, cases,
                       ScriptedConnection(None, settings, err))

    assert report == tmp_path / "results" / "report.md"
    terminal = out.export_text()
    assert "Extraction: 2 debriefs" in terminal and "baseline" in terminal and "candidate_name" in terminal
    text = report.read_text()
    assert "# Debrief eval: Qwen/Qwen2.5-7B-Instruct" in text
    assert "| Revision |" in text and "2 of 54: `cand-fintech-senior-01`" in text
    assert "history_block_turns=0" in text and "baseline_extraction.j2" in text
    assert "| evidence validity | 100% | 0% |" in text  # the baseline's one quote is not in the messages
    assert "![Per-field F1](f1.png)" in text
    assert "| client-healthcare-manager-02 | compliance |" in text

    summary = json.loads((report.parent / "summary.json").read_text())
    assert summary["engine"]["micro"]["f1"] > summary["baseline"]["micro"]["f1"]
    assert summary["run"]["model"] == "Qwen/Qwen2.5-7B-Instruct"
    assert (report.parent / "f1.png").read_bytes().startswith(b"\x89PNG")
    raw = json.loads((report.parent / "raw" / "engine.json").read_text())
    assert raw[0]["record"]["fields"]["candidate_name"]["evidence"] == ["tomasz wrobel"]


def test_without_the_baseline_only_the_engine_is_reported(tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path})
    out, err = Console(record=True, width=120), Console(record=True, stderr=True)
    report = run_evals(EvalOptions(baseline=False, out=tmp_path), settings, out, err, select_cases(CASE_IDS[:1]),
                       ScriptedConnection(None, settings, err))
    assert report is not None
    assert "baseline" not in out.export_text()
    assert not (tmp_path / "raw" / "baseline.json").exists()


def _drafts_script(messages: list[BaseMessage]) -> str:
    text = "\n".join(str(m.content) for m in messages)
    if "Score it from 1 to 5" in text:
        return '{"score": 4, "reason": "accurate and kind"}'
    if "follow-up email to the client" in text:
        return ("Subject: Next steps\n\nHi,\n\nThank you for the feedback on Patricia Doyle.\n\n"
                "Best regards,\nEval Recruiter")
    # A candidate email with one invented sentence in two factual ones.
    return ("Subject: Your interview\n\nHi,\n\nThank you for interviewing with Willowmere Care. "
            "They were impressed by your Mandarin and your ten years at Google.\n\nBest regards,\nEval Recruiter")


class DraftingConnection(ModelConnection):
    def get(self) -> Connection:
        if self.connection is None:
            endpoint = Endpoint("http://gpu-box:8000/v1", "Qwen/Qwen2.5-7B-Instruct", "not-needed")
            self.connection = Connection(endpoint, False, ScriptedChatModel(script=_drafts_script))
        return self.connection


def test_the_drafts_suite_measures_support_findings_and_the_lint(tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path}, playbook={"embedder": "hash"})
    out, err = Console(record=True, width=200), Console(record=True, stderr=True)
    cases = select_cases(["client-healthcare-manager-02"])
    report = run_evals(EvalOptions(suite=Suite.DRAFTS, out=tmp_path), settings, out, err, cases,
                       DraftingConnection(None, settings, err))
    assert report is not None
    text = report.read_text()
    assert "## Drafts" in text and "## Compliance lint" in text
    # Columns: type, drafts, template used, unsupported sentences, ...
    email = next(line for line in text.splitlines() if line.startswith("| candidate_feedback_email |")).split("|")
    assert email[3].strip() == "0%" and email[4].strip() == "33%"  # the invented sentence, of three
    follow_up = next(line for line in text.splitlines() if line.startswith("| client_follow_up |")).split("|")
    assert follow_up[4].strip() == "0%"


def test_a_judge_scores_each_draft_when_configured(tmp_path: Path) -> None:
    from assistant.core.prompts import PromptLibrary
    from evals.drafts import Judge, run_drafts, summary

    settings = Settings(storage={"data_dir": tmp_path}, playbook={"embedder": "hash"})
    model = ScriptedChatModel(script=_drafts_script)
    judge = Judge(ScriptedChatModel(script=_drafts_script), PromptLibrary(settings.content.prompts_dir))
    measured = run_drafts(model, select_cases(["client-healthcare-manager-02"]), settings, judge)
    assert [r.judge for r in measured.runs] == [4, 4]
    assert {row["kind"]: row["judge_mean"] for row in summary(measured)}["client_follow_up"] == 4


def test_the_run_description_names_the_embedded_settings_and_hides_credentials(tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path}, embedded={"ctx": 4096})
    info = describe_run(Endpoint("http://user:secret@127.0.0.1:8077/v1", "qwen2.5-coder-1.5b", "x"), True,
                        settings, "extraction", ["cand-pharma-mid-01"], 48, True)
    assert info.base_url == "http://127.0.0.1:8077/v1"
    assert info.settings["embedded_ctx"] == 4096 and "embedded_model" in info.settings
    assert "embedded_port" not in info.settings
    assert "extraction_system.j2" in info.prompts and info.revision


def test_a_suite_that_needs_no_chat_model_still_gets_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def retrieval(context: SuiteContext) -> SuiteResult:
        return SuiteResult(markdown="## Retrieval\n\nhit@1 0.80\n")

    monkeypatch.setitem(SUITE_RUNNERS, Suite.RETRIEVAL, retrieval)
    settings = Settings(storage={"data_dir": tmp_path})
    err = Console(record=True, stderr=True)
    models = ScriptedConnection(None, settings, err)
    report = run_evals(EvalOptions(suite=Suite.RETRIEVAL, out=tmp_path), settings, Console(), err, [], models)
    assert report is not None and models.connection is None
    text = report.read_text()
    assert "| Model | no chat model |" in text and "## Retrieval" in text
