"""End to end on the real embedded model: assembled from its packages, served by llama.cpp, no network."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.core.evidence import normalise
from assistant.core.settings import Settings
from assistant.model.llm import ModelRuntime, chat_model
from assistant.service import Service
from assistant.storage.store import Store
from tests.conftest import NO_PASS

pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module")
def embedded_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data = tmp_path_factory.mktemp("embedded")
    # A port of its own: a model server already running on the default port (a developer's) is not this
    # test's to use, and its start-up path is what the test covers.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        storage={"data_dir": data, "database_url": f"sqlite:///{data / 'db.sqlite'}"},
        llm={"base_url": None},
        embedded={"port": port},
        refinement=NO_PASS,  # the turns here are the subject
    )
    runtime = ModelRuntime(settings)
    endpoint = runtime.start()
    store = Store(settings.storage.resolved_database_url)
    service = Service(settings, model=chat_model(endpoint, settings), store=store)
    service.start()
    yield service
    service.stop()
    runtime.stop()


def test_a_candidate_turn_on_the_embedded_model(embedded_service: Service) -> None:
    auth = {"Authorization": f"Bearer {embedded_service.dev_key}"}
    with TestClient(create_app(embedded_service)) as client:
        opened = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()
        text = "Spoke to Priya Shah about the Data Engineer role at Monzo. She's keen, 4 out of 5."
        turn = client.post(f"/debriefs/{opened['id']}/messages", json={"text": text}, headers=auth)
    assert turn.status_code == 200, turn.text
    body = turn.json()
    fields = body["record"]["fields"]
    assert body["usage"]["llm_calls"] == 1
    assert body["usage"]["input_tokens"] > 0
    assert "Priya" in fields["candidate_name"]["value"]
    # The real embedding model and Chroma behind it: a candidate debrief always has side-wide advice.
    assert body["guidance"] and body["guidance"][0]["citation"]["entry_id"]
    for item in fields.values():
        for quote in item["evidence"]:
            assert normalise(quote) in normalise(text)


def test_two_drafts_written_at_once_both_come_out_whole(embedded_service: Service) -> None:
    """Recruiters share one model server: a second request must queue, not cut the first one short."""
    import threading

    from assistant.core.schema import Record
    from assistant.drafting.drafts import Draft
    from assistant.storage.store import DebriefRow
    from evals.datasets import load_draft_fixture

    fixture = load_draft_fixture()
    recruiter = embedded_service.keys.authenticate(embedded_service.dev_key)
    ids = []
    for _ in range(2):
        debrief = embedded_service.debriefs.open(recruiter.id, fixture.kind)
        with embedded_service.store.session() as s:
            row = s.get(DebriefRow, debrief.id)
            assert row is not None
            row.record = Record.model_validate({"kind": fixture.kind, "fields": fixture.record}).model_dump(mode="json")
        ids.append(debrief.id)
    drafts: list[Draft] = []
    writers = [threading.Thread(target=lambda i=i: drafts.append(
        embedded_service.drafts.create(recruiter, i, "candidate_feedback_email"))) for i in ids]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert len(drafts) == 2
    for draft in drafts:
        assert draft.author != "template", draft.notices
        assert len(draft.current.text.split()) >= 30, draft.current.text
