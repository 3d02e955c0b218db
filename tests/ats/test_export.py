"""Bulk export: one row per debrief of the calling recruiter, every field's value with its quotes, as
CSV or JSON lines, through the API and the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from assistant.core import Settings
from assistant.service import Service
from tests.ats.flows import NOTES, UPDATES
from tests.support.fakes import ScriptedChatModel, update

ROOT = Path(__file__).resolve().parents[2]


def _two_debriefs(client: TestClient, auth: dict[str, str], model: ScriptedChatModel) -> list[str]:
    model.script = [UPDATES, [update("candidate_name", "", "=HYPERLINK(\"x\")")]]
    ids = []
    for text in (NOTES, 'Candidate goes by =HYPERLINK("x") on the form'):
        debrief_id = client.post("/debriefs", json={"kind": "client"}, headers=auth).json()["id"]
        assert client.post(f"/debriefs/{debrief_id}/messages", json={"text": text}, headers=auth).status_code == 200
        ids.append(debrief_id)
    return ids


def test_jsonl_has_every_filled_field_with_its_quotes(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    first, second = _two_debriefs(client, auth, model)
    other = {"Authorization": f"Bearer {service.keys.add('other recruiter')}"}
    client.post("/debriefs", json={"kind": "candidate"}, headers=other)

    answer = client.get("/exports/debriefs", params={"format": "jsonl"}, headers=auth)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in answer.text.splitlines()]
    assert [r["debrief_id"] for r in rows] == [first, second]
    fields = rows[0]["fields"]
    assert fields["company"] == {"value": "Halcyon", "quotes": ["Halcyon"], "source": "chat"}
    assert fields["decision"]["value"] == "reject" and fields["decision"]["quotes"] == ["It's a no"]
    others = client.get("/exports/debriefs", params={"format": "jsonl"}, headers=other).text.splitlines()
    assert len(others) == 1 and first not in others[0]


def test_csv_has_a_value_and_a_quotes_column_per_field_and_no_formulas(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    first, second = _two_debriefs(client, auth, model)
    answer = client.get("/exports/debriefs", params={"format": "csv"}, headers=auth)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["debrief_id"] for r in rows] == [first, second]
    assert rows[0]["company"] == "Halcyon" and json.loads(rows[0]["company_quotes"]) == ["Halcyon"]
    assert rows[0]["candidate_name"] == "Sam Patel"
    assert {"strengths", "strengths_quotes", "candidate_interest", "candidate_interest_quotes"} <= set(rows[0])
    # A candidate's words that a spreadsheet would run as a formula are kept as text.
    assert rows[1]["candidate_name"].startswith("'=HYPERLINK")
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_an_unknown_format_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    assert client.get("/exports/debriefs", params={"format": "xlsx"}, headers=auth).status_code == 422


def test_the_command_line_exports_one_recruiters_debriefs(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, settings: Settings,
    tmp_path: Path,
) -> None:
    first, second = _two_debriefs(client, auth, model)
    env = {**os.environ, "DEBRIEF_DATABASE_URL": settings.storage.resolved_database_url,
           "DEBRIEF_DATA_DIR": str(tmp_path)}
    out = tmp_path / "debriefs.csv"
    done = subprocess.run([sys.executable, "-m", "cli.main", "export", "--recruiter", "dev", "--format", "csv",
                           "--output", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [r["debrief_id"] for r in csv.DictReader(out.open())] == [first, second]
    assert out.stat().st_mode & 0o077 == 0
    missing = subprocess.run([sys.executable, "-m", "cli.main", "export", "--recruiter", "nobody"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "no recruiter by that name" in missing.stderr
