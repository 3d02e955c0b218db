"""The transactions of a turn: the message kept before the model is called, the outcome after, and
reading a debrief without SQLite's write lock."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant.core import ModelUnavailable
from assistant.core.settings import Settings
from assistant.service import Service
from assistant.storage.store import DebriefRow
from tests.support.fakes import ScriptedChatModel, update
from tests.support.transactions import Begins


def _service(tmp_path: Path, model: ScriptedChatModel) -> Service:
    settings = Settings(
        storage={"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'turns.db'}"},
        access={"api_keys": ""}, playbook={"embedder": "hash", "auto_ingest": False},
        limits={"rate_limit_per_minute": 0}, llm={"max_retries": 0},
    )
    return Service(settings, model=model).start()


def test_a_turn_writes_twice_and_reading_a_debrief_never_writes(tmp_path: Path) -> None:
    model = ScriptedChatModel(script=[[update("candidate_interest", "4", "4/5")]])
    service = _service(tmp_path, model)
    key = service.keys.add("counted")
    recruiter = service.keys.authenticate(key)
    debrief = service.debriefs.open(recruiter.id, "candidate")
    begins = Begins(service.store)

    service.keys.authenticate(key)
    service.debriefs.get(recruiter.id, debrief.id)
    service.debriefs.list(recruiter.id)
    service.debriefs.guidance(recruiter.id, debrief.id)
    assert begins.writes == 0
    assert begins.reads >= 4

    outcome = service.debriefs.post_message(recruiter.id, debrief.id, "she's a 4/5")
    # One to keep the message before the model is called, one for the outcome.
    assert begins.writes == 2
    assert outcome.record.value("candidate_interest") == 4
    stored = service.debriefs.get(recruiter.id, debrief.id)
    assert [(m.seq, m.role, m.status) for m in stored.transcript] == [
        (0, "assistant", "done"), (1, "recruiter", "done"), (2, "assistant", "done")]
    assert stored.version == outcome.version == 3
    service.stop()


def test_a_failed_turn_keeps_the_message_and_its_retry_reads_without_the_write_lock(tmp_path: Path) -> None:
    model = ScriptedChatModel(script=[], fail_with=httpx.ConnectError("connection refused"))
    service = _service(tmp_path, model)
    recruiter = service.keys.authenticate(service.keys.add("retrying"))
    debrief = service.debriefs.open(recruiter.id, "candidate")
    with pytest.raises(ModelUnavailable):
        service.debriefs.post_message(recruiter.id, debrief.id, "she's a 4/5")
    kept = service.debriefs.get(recruiter.id, debrief.id)
    assert [(m.role, m.status, m.text) for m in kept.transcript[1:]] == [("recruiter", "pending", "she's a 4/5")]

    model.fail_with = None
    model.script = [[update("candidate_interest", "4", "4/5")]]
    begins = Begins(service.store)
    outcome = service.debriefs.retry(recruiter.id, debrief.id)
    # The retry's check is a read; only the outcome is written.
    assert begins.writes == 1
    assert outcome.record.value("candidate_interest") == 4
    with service.store.reading() as s:
        row = s.get(DebriefRow, debrief.id)
        assert row is not None
        assert [(m.role, m.status) for m in row.messages] == [
            ("assistant", "done"), ("recruiter", "done"), ("assistant", "done")]
    service.stop()
