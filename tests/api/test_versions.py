"""Versioned debriefs: ETag on read, If-Match on turns, and databases made before versions existed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.core.settings import Settings
from assistant.service import Service
from assistant.storage.migrations import current_revision, head_revision
from assistant.storage.store import Store, add_missing_columns
from tests.support.fakes import ScriptedChatModel, update


def _open(client: TestClient, auth: dict[str, str]) -> str:
    response = client.post("/debriefs", json={"kind": "candidate"}, headers=auth)
    assert response.status_code == 201
    assert response.headers["ETag"] == '"1"' and response.json()["version"] == 1
    return str(response.json()["id"])


def test_every_write_bumps_the_version_and_get_returns_it_as_etag(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    debrief_id = _open(client, auth)
    got = client.get(f"/debriefs/{debrief_id}", headers=auth)
    assert got.headers["ETag"] == '"1"' and got.json()["version"] == 1
    model.script = [[update("candidate_interest", "4", "4/5")]]
    turn = client.post(f"/debriefs/{debrief_id}/messages", json={"text": "4/5"},
                       headers={**auth, "If-Match": got.headers["ETag"]})
    assert turn.status_code == 200, turn.text
    after = client.get(f"/debriefs/{debrief_id}", headers=auth)
    assert int(after.json()["version"]) > 1
    assert after.headers["ETag"] == turn.headers["ETag"] == f'"{turn.json()["version"]}"'
    assert client.get("/debriefs", headers=auth).json()[0]["version"] == after.json()["version"]


def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    debrief_id = _open(client, auth)
    stale = client.get(f"/debriefs/{debrief_id}", headers=auth).headers["ETag"]
    assert client.post(f"/debriefs/{debrief_id}/messages", json={"text": "first"}, headers=auth).status_code == 200
    before = client.get(f"/debriefs/{debrief_id}", headers=auth).json()
    calls = len(model.calls)
    for path in ("messages", "messages/stream"):
        refused = client.post(f"/debriefs/{debrief_id}/{path}", json={"text": "based on an old view"},
                              headers={**auth, "If-Match": stale})
        assert refused.status_code == 412, path
        assert f"not {stale.strip(chr(34))}" in refused.json()["detail"]
    assert client.get(f"/debriefs/{debrief_id}", headers=auth).json() == before
    assert len(model.calls) == calls
    # Weak and wildcard forms are accepted; a malformed one is a clear 422.
    current = client.get(f"/debriefs/{debrief_id}", headers=auth).headers["ETag"]
    ok = client.post(f"/debriefs/{debrief_id}/messages", json={"text": "now"},
                     headers={**auth, "If-Match": f"W/{current}"})
    assert ok.status_code == 200
    assert client.post(f"/debriefs/{debrief_id}/messages", json={"text": "any"},
                       headers={**auth, "If-Match": "*"}).status_code == 200
    bad = client.post(f"/debriefs/{debrief_id}/messages", json={"text": "x"}, headers={**auth, "If-Match": "yesterday"})
    assert bad.status_code == 422 and "If-Match" in bad.json()["detail"]


def test_retry_honours_if_match(client: TestClient, auth: dict[str, str], model: ScriptedChatModel) -> None:
    debrief_id = _open(client, auth)
    model.fail_with = httpx.ConnectError("down")
    assert client.post(f"/debriefs/{debrief_id}/messages", json={"text": "keen"}, headers=auth).status_code == 503
    model.fail_with = None
    assert client.post(f"/debriefs/{debrief_id}/retry", headers={**auth, "If-Match": '"1"'}).status_code == 412
    current = client.get(f"/debriefs/{debrief_id}", headers=auth).headers["ETag"]
    assert client.post(f"/debriefs/{debrief_id}/retry", headers={**auth, "If-Match": current}).status_code == 200


# The schema as the release before versions created it (sqlite3 .schema of a fresh database).
OLD_SCHEMA = """
CREATE TABLE recruiters (id VARCHAR(36) NOT NULL, name VARCHAR(200) NOT NULL, key_sha256 VARCHAR(64) NOT NULL,
    created_at DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (name));
CREATE UNIQUE INDEX ix_recruiters_key_sha256 ON recruiters (key_sha256);
CREATE TABLE debriefs (id VARCHAR(36) NOT NULL, recruiter_id VARCHAR(36) NOT NULL, kind VARCHAR(16) NOT NULL,
    record JSON NOT NULL, flow_state JSON NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    PRIMARY KEY (id), FOREIGN KEY(recruiter_id) REFERENCES recruiters (id));
CREATE INDEX ix_debriefs_recruiter_id ON debriefs (recruiter_id);
CREATE TABLE messages (id INTEGER NOT NULL, debrief_id VARCHAR(36) NOT NULL, seq INTEGER NOT NULL,
    role VARCHAR(16) NOT NULL, text TEXT NOT NULL, status VARCHAR(16) NOT NULL, details JSON,
    created_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(debrief_id) REFERENCES debriefs (id) ON DELETE CASCADE);
CREATE INDEX ix_messages_debrief_id ON messages (debrief_id);
CREATE TABLE guidance (id INTEGER NOT NULL, debrief_id VARCHAR(36) NOT NULL, message_seq INTEGER NOT NULL,
    collection VARCHAR(32) NOT NULL, entry_id VARCHAR(200) NOT NULL, title VARCHAR(300) NOT NULL,
    heading VARCHAR(300) NOT NULL, file VARCHAR(500) NOT NULL, text TEXT NOT NULL, reason VARCHAR(300) NOT NULL,
    created_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(debrief_id) REFERENCES debriefs (id) ON DELETE CASCADE);
CREATE INDEX ix_guidance_debrief_id ON guidance (debrief_id);
INSERT INTO recruiters VALUES ('r-old', 'old', '%s', '2026-01-01 00:00:00');
INSERT INTO debriefs VALUES ('d-old', 'r-old', 'candidate',
    '{"kind": "candidate", "fields": {"candidate_name": {"value": "Ana", "evidence": [], "source": "form"}}}',
    '{"asked": "interview_stage", "answered": []}', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO messages VALUES (1, 'd-old', 0, 'assistant', 'Which interview was it?', 'done', NULL,
    '2026-01-01 00:00:00');
"""


def test_a_database_made_before_versions_opens_and_works(tmp_path: Path) -> None:
    from assistant.access.keys import hash_key

    key = "dbf_old-key"
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(OLD_SCHEMA % hash_key(key))
    settings = Settings(
        storage={"data_dir": tmp_path, "database_url": f"sqlite:///{path}"},
        access={"api_keys": "", "create_dev_key": False},
    )
    model = ScriptedChatModel(script=[[update("interview_stage", "second round", "second round")]])
    service = Service(settings, model=model, store=Store(settings.storage.resolved_database_url)).start()
    auth = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(service)) as client:
        old = client.get("/debriefs/d-old", headers=auth)
        assert old.status_code == 200 and old.headers["ETag"] == '"1"'
        assert old.json()["record"]["fields"]["candidate_name"]["value"] == "Ana"
        turn = client.post("/debriefs/d-old/messages", json={"text": "second round"},
                           headers={**auth, "If-Match": '"1"', "Idempotency-Key": "k"})
        assert turn.status_code == 200, turn.text
        assert turn.json()["record"]["fields"]["interview_stage"]["value"] == "second round"
        assert client.post("/debriefs", json={"kind": "client"}, headers=auth).status_code == 201
    service.stop()
    # The database was stamped with the baseline and upgraded to the newest revision; the step is
    # idempotent: a second start finds nothing to add.
    reopened = Store(settings.storage.resolved_database_url)
    assert current_revision(reopened.engine) == head_revision()
    assert add_missing_columns(reopened.engine) == []
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(debriefs)")]
    assert columns.count("version") == 1
