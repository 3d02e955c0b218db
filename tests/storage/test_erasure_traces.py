"""After an erasure by name, the candidate's name is in no file the service keeps: every file under the
data directory (the database and its -wal and -shm files among them) and the service's own log, read while
the service is still running, as an attacker with a copy of the disk would read them."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.access import new_key
from assistant.storage.store import Store
from tests.api.test_crash import API
from tests.support.stand_in_model import StandInModel

NAME = "Priya Ramaswamy"


@pytest.fixture
def stand_in() -> Iterator[StandInModel]:
    model = StandInModel()
    yield model
    model.stop()


def _files_naming(root: Path, needle: str) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and needle.lower().encode() in path.read_bytes().lower():
            found.append(str(path.relative_to(root)))
    return found


@pytest.mark.subprocess
def test_an_erased_candidate_is_in_no_file_under_the_data_directory_nor_in_the_log(
    tmp_path: Path, stand_in: StandInModel
) -> None:
    key = new_key()
    auth = {"Authorization": f"Bearer {key}"}
    # The access log on (uvicorn's info level), written to api.log inside the data directory.
    api = API(tmp_path, stand_in.url, key, log_level="info").start()
    try:
        with httpx.Client(base_url=api.url, headers=auth, timeout=30) as http:
            debrief = http.post("/debriefs", json={"kind": "candidate", "candidate_name": NAME}).json()["id"]
            for n, text in enumerate((f"{NAME} was strong on stakeholder stories", f"{NAME} wants 85k")):
                turn = http.post(f"/debriefs/{debrief}/messages", json={"text": text},
                                 headers={"Idempotency-Key": f"turn-{n}"})
                assert turn.status_code == 200, turn.text
            assert http.post("/interviews", json={"candidate_name": NAME}).status_code == 201
            http.get("/playbook/search", params={"q": f"how to reject {NAME} kindly"})
            assert _files_naming(tmp_path, "Ramaswamy"), "the name was written somewhere before the erasure"

            erased = http.delete("/candidates", params={"name": NAME})
            assert erased.status_code == 200, erased.text
            assert erased.json()["debriefs"] == 1 and erased.json()["interviews"] == 1
            # Before: debrief.db-wal (the transcript, record, stored replies) and api.log (the query strings).
            assert _files_naming(tmp_path, "Ramaswamy") == []
            assert "DELETE /candidates HTTP" in (tmp_path / "api.log").read_text()  # the access log is on
    finally:
        api.stop()
    assert _files_naming(tmp_path, "Ramaswamy") == []


def test_the_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'debrief.db'}")
    store.upsert_recruiter("ana", "0" * 64)
    files = [tmp_path / name for name in ("debrief.db", "debrief.db-wal", "debrief.db-shm")]
    assert all(f.exists() for f in files)
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}
    store.engine.dispose()
