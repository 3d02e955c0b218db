"""The store on a real PostgreSQL server: a throwaway cluster on a loopback port, started by the test."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.errors import MessagePending
from assistant.core.settings import Settings
from assistant.service import Service
from assistant.storage.store import DebriefRow, MessageRow, Store
from tests.support.fakes import ScriptedChatModel, update
from tests.support.throwaway_servers import NO_POSTGRES, postgres_available, postgres_cluster

# Set DEBRIEF_TEST_POSTGRES_URL to use an existing server instead of a throwaway cluster.
EXTERNAL = os.environ.get("DEBRIEF_TEST_POSTGRES_URL")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if EXTERNAL:
        yield EXTERNAL
        return
    if not postgres_available():
        pytest.skip(NO_POSTGRES)
    with postgres_cluster() as url:
        yield url


def test_a_debrief_round_trips_through_postgres(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path, "database_url": postgres_url}, access={"api_keys": ""})
    model = ScriptedChatModel(script=[[update("candidate_interest", "4", "4/5")]])
    service = Service(settings, model=model).start()
    recruiter = service.keys.authenticate(service.keys.add("pg"))
    debrief = service.debriefs.open(recruiter.id, "candidate", {"candidate_name": "Ana"})
    service.debriefs.post_message(recruiter.id, debrief.id, "she's a 4/5")
    service.stop()

    # A new process's view: only what was committed.
    reopened = Service(settings, model=model, store=Store(postgres_url)).start()
    stored = reopened.debriefs.get(recruiter.id, debrief.id)
    assert stored.record.value("candidate_interest") == 4
    assert [m.role for m in stored.transcript] == ["assistant", "recruiter", "assistant"]
    reopened.debriefs.delete(recruiter.id, debrief.id)
    assert reopened.debriefs.list(recruiter.id) == []
    reopened.stop()


def test_a_turn_waits_for_another_process_holding_the_debrief(postgres_url: str, tmp_path: Path) -> None:
    """Two API workers are two processes: the in-process lock does not see the other one, the row lock must.
    Another worker's transaction holds the debrief while it stores a pending message; a turn sent to this
    worker meanwhile waits for that transaction and then finds the message pending, instead of storing a
    second pending message beside it."""
    settings = Settings(
        storage={"data_dir": tmp_path, "database_url": postgres_url},
        access={"api_keys": ""},
        playbook={"auto_ingest": False},
    )
    model = ScriptedChatModel(script=[[update("candidate_interest", "4", "4/5")]])
    worker = Service(settings, model=model).start()
    other = Store(postgres_url)
    recruiter = worker.keys.authenticate(worker.keys.add("pg-rows"))
    debrief = worker.debriefs.open(recruiter.id, "candidate")
    outcome: dict[str, object] = {}

    def turn() -> None:
        try:
            outcome["turn"] = worker.debriefs.post_message(recruiter.id, debrief.id, "she's a 4/5")
        except MessagePending as exc:
            outcome["refused"] = exc

    with other.session() as s:
        s.get(DebriefRow, debrief.id, with_for_update=True)
        s.add(MessageRow(debrief_id=debrief.id, seq=1, role="recruiter", text="from the other worker",
                         status="pending"))
        s.flush()
        sender = threading.Thread(target=turn)
        sender.start()
        sender.join(timeout=1.0)
        assert sender.is_alive(), "the turn must wait for the other worker's transaction"
    sender.join(timeout=10)
    assert "refused" in outcome
    stored = worker.debriefs.get(recruiter.id, debrief.id)
    assert [(m.role, m.status) for m in stored.transcript] == [("assistant", "done"), ("recruiter", "pending")]
    worker.debriefs.delete(recruiter.id, debrief.id)
    worker.stop()
