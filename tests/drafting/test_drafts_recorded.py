"""Each draft type written by the real embedded model, replayed from cassettes (re-record with
scripts/record-cassettes). The record is stored directly, so these recordings hold the draft calls
only; the checks are the product's own: grounding, lint, disclosure, redline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.access.keys import Recruiter
from assistant.core.schema import Record
from assistant.core.settings import Settings
from assistant.drafting.drafts import Draft
from assistant.model.llm import chat_model
from assistant.service import Service
from assistant.storage.store import DebriefRow, Store
from evals.datasets import load_draft_fixture
from tests.conftest import NO_PASS
from tests.conversation.test_extraction_recorded import RECORDED_ENDPOINT

FIXTURE = load_draft_fixture()
ORIGINAL_SPEC = FIXTURE.original_spec
CLIENT_RECORD = Record.model_validate({"kind": FIXTURE.kind, "fields": FIXTURE.record})


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(Path(__file__).parent / "cassettes" / "drafts")


@pytest.fixture
def drafting(tmp_path: Path) -> Iterator[tuple[Service, Recruiter, str]]:
    settings = Settings(
        storage={"data_dir": tmp_path}, access={"create_dev_key": False, "api_keys": ""}, llm={"max_retries": 0},
        refinement=NO_PASS,  # only the drafts' traffic is recorded
    )
    service = Service(settings, model=chat_model(RECORDED_ENDPOINT, settings), store=Store("sqlite://")).start()
    recruiter = service.keys.authenticate(service.keys.add("Dana Reyes"))
    debrief = service.debriefs.open(recruiter.id, "client")
    with service.store.session() as s:
        row = s.get(DebriefRow, debrief.id)
        assert row is not None
        row.record = CLIENT_RECORD.model_dump(mode="json")
    yield service, recruiter, debrief.id
    service.stop()


def _write(drafting: tuple[Service, Recruiter, str], kind: str, spec: str | None = None) -> Draft:
    service, recruiter, debrief_id = drafting
    draft = service.drafts.create(recruiter, debrief_id, kind, original_spec=spec)
    assert draft.author == "qwen2.5-coder-1.5b", draft.notices  # the model's draft held up
    return draft


def _assert_clean(draft: Draft) -> None:
    review = draft.current.review
    assert not review.blocking, review.blocking
    assert review.unsupported_share <= 0.5


@pytest.mark.vcr
def test_feedback_email_from_the_embedded_model(drafting: tuple[Service, Recruiter, str]) -> None:
    draft = _write(drafting, "candidate_feedback_email")
    text = draft.current.text
    assert text.lower().startswith("subject:") and "Sam" in text
    assert "Dana Reyes" in text  # signed by the recruiter
    _assert_clean(draft)
    cited = {ref for s in draft.current.review.grounding for ref in s.refs}
    assert any(ref.startswith(("strengths", "concerns")) for ref in cited)


@pytest.mark.vcr
def test_coaching_note_from_the_embedded_model(drafting: tuple[Service, Recruiter, str]) -> None:
    draft = _write(drafting, "candidate_coaching_note")
    assert "Kubernetes" in draft.current.text
    _assert_clean(draft)


@pytest.mark.vcr
def test_revised_spec_from_the_embedded_model(drafting: tuple[Service, Recruiter, str]) -> None:
    draft = _write(drafting, "revised_job_spec", ORIGINAL_SPEC)
    changes = draft.current.review.redline or []
    assert changes, "the revision changed at least one requirement"
    k8s = [c for c in changes if c.after and "kubernetes" in c.after.lower()]
    assert k8s and k8s[0].cause is not None and k8s[0].cause.field == "requirement_changes"
    assert "Sam Patel" not in draft.current.text
    _assert_clean(draft)


@pytest.mark.vcr
def test_client_follow_up_from_the_embedded_model(drafting: tuple[Service, Recruiter, str]) -> None:
    draft = _write(drafting, "client_follow_up")
    assert "Kubernetes" in draft.current.text
    _assert_clean(draft)
