"""Erasure by candidate name, legal holds and retention: every table is read back after an erasure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy import update as sql_update
from typer.testing import CliRunner

from assistant.core.settings import Settings, get_settings
from assistant.service import Service
from assistant.storage import audit
from assistant.storage.store import Base, DebriefRow, DraftRow, InterviewRow, MessageRow
from cli.main import app as cli
from tests.conftest import make_service
from tests.support.fakes import ScriptedChatModel, update

NAME = "Zephyrine Quillfeather"
OTHER = "Barnaby Oakenshield"


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBRIEF_RATE_LIMIT_PER_MINUTE", "0")


def fill(client: TestClient, auth: dict[str, str], model: ScriptedChatModel, name: str, key: str) -> dict[str, str]:
    """A candidate's interview holding a debrief with a turn (sent with an Idempotency-Key) and a draft;
    a second, client-side debrief in the interview whose record never names the candidate."""
    interview = client.post("/interviews", json={"candidate_name": name}, headers=auth).json()["id"]
    debrief = client.post("/debriefs", json={"kind": "candidate", "interview_id": interview}, headers=auth).json()["id"]
    model.script = [[update("strengths", f"{name} mentored two juniors", f"{name} mentored two juniors")]]
    model._iterator = None
    turn = client.post(f"/debriefs/{debrief}/messages", json={"text": f"{name} mentored two juniors"},
                       headers={**auth, "Idempotency-Key": key})
    assert turn.status_code == 200, turn.text
    model.script = [f"Subject: Next steps\n\nHi,\n\n{name} mentored two juniors.\n\nBest regards"]
    model._iterator = None
    draft = client.post(f"/debriefs/{debrief}/drafts", json={"type": "candidate_feedback_email"}, headers=auth)
    assert draft.status_code == 201, draft.text
    client_side = client.post("/debriefs", json={"kind": "client"}, headers=auth).json()["id"]
    assert client.post(f"/interviews/{interview}/debriefs", json={"debrief_id": client_side},
                       headers=auth).status_code == 200
    return {"interview": interview, "debrief": debrief, "client_side": client_side}


def every_row(service: Service) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every row of every table the application defines, as (table, row): a new table is read too."""
    with service.store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                yield table.name, dict(row)


def rows_mentioning(service: Service, *needles: str) -> list[str]:
    found = []
    for table, row in every_row(service):
        text = json.dumps(row, default=str).casefold()
        if any(n.casefold() in text for n in needles):
            found.append(table)
    return found


@pytest.fixture
def two_recruiters(client: TestClient, auth: dict[str, str], service: Service) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.keys.add('bob')}"}


def test_erasing_a_candidate_removes_them_from_every_table_and_nothing_else(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    mine = fill(client, auth, model, NAME, "k1")
    second = client.post("/debriefs", json={"kind": "candidate", "candidate_name": NAME.upper()},
                         headers=auth).json()["id"]
    other = fill(client, auth, model, OTHER, "k2")
    erased_ids = [mine["debrief"], mine["client_side"], second]
    with service.store.session() as s:
        audited = {i: audit.count(s, i) for i in erased_ids}
        draft_id = s.scalar(select(DraftRow.id).where(DraftRow.debrief_id == mine["debrief"]))
    assert audited[mine["debrief"]] >= 1 and draft_id  # the draft's creation is on record
    tables_before = rows_mentioning(service, NAME, *erased_ids)
    assert {"debriefs", "messages", "drafts", "draft_versions", "interviews", "interview_debriefs",
            "idempotency_keys", "audit_log"} <= set(tables_before)
    others_before = sorted(rows_mentioning(service, OTHER, other["debrief"], other["client_side"]))
    log = service.settings.storage.embedded_server_log
    log.write_text(f"llama_perf_context_print: load time = 1 ms\nprompt: {NAME.lower()} is keen\nINFO: 200 OK\n")

    answer = client.delete("/candidates", params={"name": "  zephyrine   QUILLFEATHER "}, headers=auth)

    assert answer.status_code == 200, answer.text
    counts = answer.json()
    assert NAME.casefold() not in answer.text.casefold()
    assert counts["debriefs"] == 3 and counts["interviews"] == 1 and counts["drafts"] == 1
    assert counts["idempotency_keys"] == 1 and counts["held"] == 0 and counts["server_log_lines"] == 1
    assert counts["audit_events_emptied"] == sum(audited.values())
    assert log.read_text() == "llama_perf_context_print: load time = 1 ms\nINFO: 200 OK\n"
    # Read back every table: the name is nowhere, the erased ids and the draft only in the audit log.
    assert rows_mentioning(service, NAME) == []
    assert set(rows_mentioning(service, draft_id, *erased_ids)) == {"audit_log"}
    with service.store.session() as s:
        for debrief_id in erased_ids:
            chain = audit.events(s, debrief_id)
            assert chain[-1].action == "debrief.erased" and chain[-1].details == {"cause": "candidate"}
            assert all(e.details == audit.ERASED for e in chain[:-1])
            assert audit.verify(debrief_id, chain).intact
    # The other candidate's rows are all still there.
    assert sorted(rows_mentioning(service, OTHER, other["debrief"], other["client_side"])) == others_before
    got = client.get(f"/debriefs/{other['debrief']}", headers=auth)
    assert got.status_code == 200 and OTHER in got.text
    assert client.get(f"/debriefs/{other['debrief']}/audit", headers=auth).json()["intact"]


def test_an_erasure_request_leaves_another_recruiters_debriefs_about_the_same_name(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service,
    two_recruiters: dict[str, str],
) -> None:
    bob = two_recruiters
    fill(client, auth, model, NAME, "k1")
    bobs = fill(client, bob, model, NAME, "k1")  # the same name, even the same Idempotency-Key
    bobs_rows = sorted(rows_mentioning(service, bobs["debrief"], bobs["client_side"], bobs["interview"]))

    assert client.delete("/candidates", params={"name": NAME}, headers=auth).json()["debriefs"] == 2

    assert sorted(rows_mentioning(service, bobs["debrief"], bobs["client_side"], bobs["interview"])) == bobs_rows
    assert NAME in client.get(f"/debriefs/{bobs['debrief']}", headers=bob).text


def test_another_recruiters_erasure_request_erases_nothing_of_yours(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service,
    two_recruiters: dict[str, str],
) -> None:
    mine = fill(client, auth, model, NAME, "k1")
    before = sorted(t for t, _ in every_row(service))

    answer = client.delete("/candidates", params={"name": NAME}, headers=two_recruiters)

    assert answer.status_code == 200
    assert set(answer.json().values()) == {0}
    assert sorted(t for t, _ in every_row(service)) == before
    assert client.get(f"/debriefs/{mine['debrief']}", headers=auth).status_code == 200


def test_a_held_debrief_refuses_delete_and_survives_an_erasure_request(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    mine = fill(client, auth, model, NAME, "k1")
    debrief = mine["debrief"]
    assert client.put(f"/debriefs/{debrief}/legal-hold", json={"hold": True}, headers=auth).status_code == 422
    held = client.put(f"/debriefs/{debrief}/legal-hold", json={"hold": True, "reason": "Tribunal claim 2207/26"},
                      headers=auth)
    assert held.status_code == 200 and held.json()["hold"] is True and held.json()["held_at"]

    refused = client.delete(f"/debriefs/{debrief}", headers=auth)
    assert refused.status_code == 409 and "legal hold" in refused.json()["detail"]
    assert "Tribunal claim 2207/26" in refused.json()["detail"]
    erased = client.delete("/candidates", params={"name": NAME}, headers=auth).json()
    # The unheld client side goes; the held debrief and the interview holding it stay.
    assert (erased["held"], erased["debriefs"], erased["interviews"]) == (1, 1, 0)
    assert client.get(f"/debriefs/{debrief}", headers=auth).status_code == 200
    assert client.get(f"/debriefs/{mine['client_side']}", headers=auth).status_code == 404
    assert client.get(f"/interviews/{mine['interview']}", headers=auth).status_code == 200
    actions = [e["action"] for e in client.get(f"/debriefs/{debrief}/audit", headers=auth).json()["events"]]
    assert actions[-1] == "legal_hold.placed"

    released = client.put(f"/debriefs/{debrief}/legal-hold", json={"hold": False}, headers=auth)
    assert released.status_code == 200 and released.json()["hold"] is False
    assert client.delete(f"/debriefs/{debrief}", headers=auth).status_code == 204
    with service.store.session() as s:
        chain = audit.events(s, debrief)
    assert [e.action for e in chain][-3:] == ["legal_hold.placed", "legal_hold.released", "debrief.erased"]
    assert audit.verify(debrief, chain).intact


def _age(service: Service, debrief_id: str, days: int) -> None:
    """Move a debrief's activity (and its interview's creation) back in time."""
    then = datetime.now(UTC) - timedelta(days=days)
    with service.store.session() as s:
        s.execute(sql_update(DebriefRow).where(DebriefRow.id == debrief_id).values(updated_at=then, created_at=then))
        s.execute(sql_update(MessageRow).where(MessageRow.debrief_id == debrief_id).values(created_at=then))
        s.execute(sql_update(DraftRow).where(DraftRow.debrief_id == debrief_id).values(updated_at=then))
        s.execute(sql_update(InterviewRow).values(created_at=then))


def test_retention_erases_idle_debriefs_except_held_and_recently_drafted_ones(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    idle = fill(client, auth, model, NAME, "k1")
    held = client.post("/debriefs", json={"kind": "candidate", "candidate_name": OTHER}, headers=auth).json()["id"]
    drafted = fill(client, auth, model, "Cordelia Vantablack", "k2")
    fresh = client.post("/debriefs", json={"kind": "client"}, headers=auth).json()["id"]
    for debrief_id in (idle["debrief"], idle["client_side"], held, drafted["debrief"], drafted["client_side"]):
        _age(service, debrief_id, 40)
    client.put(f"/debriefs/{held}/legal-hold", json={"hold": True, "reason": "subject access dispute"}, headers=auth)
    with service.store.session() as s:  # a draft edited yesterday keeps its debrief alive
        s.execute(sql_update(DraftRow).where(DraftRow.debrief_id == drafted["debrief"])
                  .values(updated_at=datetime.now(UTC) - timedelta(days=1)))
    # The hold's own audit event is not activity; the held debrief is old.
    assert service.erasure.expired(0).debriefs == 0  # 0 keeps everything

    purged = service.erasure.expired(30)

    assert (purged.debriefs, purged.held) == (3, 1)  # idle's two sides and drafted's client side
    gone = [idle["debrief"], idle["client_side"], drafted["client_side"]]
    assert [client.get(f"/debriefs/{i}", headers=auth).status_code for i in gone] == [404] * 3
    kept = [held, drafted["debrief"], fresh]
    assert [client.get(f"/debriefs/{i}", headers=auth).status_code for i in kept] == [200] * 3
    # The idle interview is empty now and old: it goes; the drafted one still holds a debrief.
    assert purged.interviews == 1
    assert client.get(f"/interviews/{idle['interview']}", headers=auth).status_code == 404
    assert client.get(f"/interviews/{drafted['interview']}", headers=auth).status_code == 200
    assert rows_mentioning(service, NAME) == []
    with service.store.session() as s:
        assert audit.events(s, idle["debrief"])[-1].details == {"cause": "retention"}


def test_retention_runs_when_the_service_starts(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, settings: Settings
) -> None:
    idle = client.post("/debriefs", json={"kind": "candidate", "candidate_name": NAME}, headers=auth).json()["id"]
    recent = client.post("/debriefs", json={"kind": "candidate", "candidate_name": OTHER}, headers=auth).json()["id"]
    _age(service, idle, 10)

    restarted = make_service(settings.overridden(privacy={"retention_days": 7}), model)
    try:
        with restarted.store.session() as s:
            assert s.get(DebriefRow, idle) is None and s.get(DebriefRow, recent) is not None
    finally:
        restarted.stop()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DEBRIEF_DATA_DIR", str(settings.storage.data_dir))
    monkeypatch.setenv("DEBRIEF_DATABASE_URL", settings.storage.resolved_database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_cli_erases_a_candidate_for_a_named_recruiter_and_purges(
    client: TestClient, model: ScriptedChatModel, service: Service, cli_env: None, tmp_path: Path
) -> None:
    alice = {"Authorization": f"Bearer {service.keys.add('alice')}"}
    mine = fill(client, alice, model, NAME, "k1")
    runner = CliRunner()

    unknown = runner.invoke(cli, ["erase", "--candidate", NAME, "--recruiter", "nobody"])
    assert unknown.exit_code != 0 and "no recruiter" in unknown.output
    done = runner.invoke(cli, ["erase", "--candidate", NAME.lower(), "--recruiter", "alice"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["debriefs"] == 2
    assert client.get(f"/debriefs/{mine['debrief']}", headers=alice).status_code == 404
    assert rows_mentioning(service, NAME) == []

    old = client.post("/debriefs", json={"kind": "client"}, headers=alice).json()["id"]
    _age(service, old, 5)
    assert runner.invoke(cli, ["purge"]).exit_code != 0  # retention 0 and no --days: refused
    purged = runner.invoke(cli, ["purge", "--days", "3"])
    assert purged.exit_code == 0, purged.output
    assert json.loads(purged.stdout)["debriefs"] == 1
    assert client.get(f"/debriefs/{old}", headers=alice).status_code == 404
