"""`debrief ingest` and `debrief playbook` as a recruiter runs them."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.core.settings import get_settings
from cli.main import app


@pytest.fixture(autouse=True)
def local_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DEBRIEF_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEBRIEF_EMBEDDER", "hash")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_ingest_then_search_with_citations(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["ingest"])
    assert first.exit_code == 0, first.output
    assert "21 files" in first.output and "0 unchanged" in first.output
    again = runner.invoke(app, ["ingest"])
    assert "0 passages added, 0 updated" in again.output

    notes = tmp_path / "rules.txt"
    notes.write_text("Relocation support is never promised by us.", encoding="utf-8")
    mine = runner.invoke(app, ["ingest", str(notes)])
    assert "debrief-documents: 1 files, 1 passages added" in mine.output

    found = runner.invoke(app, ["playbook", "relocation support promised", "-k", "2", "--json"])
    assert found.exit_code == 0, found.output
    rows = json.loads(found.stdout)
    assert rows[0]["entry_id"] == "rules" and rows[0]["collection"] == "documents"
    assert {"rank", "title", "heading", "file", "similarity", "text"} <= set(rows[0])


def test_bad_options_are_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--into", "elsewhere"]).exit_code != 0
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "no such file" in missing.output
