from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.core.settings import Settings
from assistant.service import Service
from assistant.storage.store import Store
from tests.support.fakes import ScriptedChatModel

# What the per-test environment below sets, for module-wide services built before it is: no
# whole-conversation pass where the model traffic (scripted or recorded) is about something else.
NO_PASS = {"on_completion": False, "before_drafts": False}


@pytest.fixture(autouse=True)
def _light_playbook(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Settings() built in a fast test embeds by word hashing and skips the ingest at start (an
    ingest with the real model costs seconds per service); tests marked embedded get the real defaults."""
    # The whole-conversation pass is one more model call per turn, per completed flow and per draft: tests
    # whose scripted or recorded model traffic predates it run without it; tests about it ask for it.
    monkeypatch.setenv("DEBRIEF_REFINE_IN_BACKGROUND", "false")
    monkeypatch.setenv("DEBRIEF_REFINE_BEFORE_DRAFTS", "false")
    monkeypatch.setenv("DEBRIEF_REFINE_ON_COMPLETION", "false")
    # No delivery thread in every service: the hand-off's tests run the worker when they mean to.
    monkeypatch.setenv("DEBRIEF_ATS_DELIVER_IN_BACKGROUND", "false")
    if request.node.get_closest_marker("embedded") is None:
        monkeypatch.setenv("DEBRIEF_EMBEDDER", "hash")
        monkeypatch.setenv("DEBRIEF_PLAYBOOK_AUTO_INGEST", "false")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        storage={"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'test.db'}"}, access={"api_keys": ""},
        # Word hashing instead of the MiniLM model: fast and deterministic, and no model file in the fast tests.
        # The playbook is ingested only by the tests about it (an ingest per test costs half a second).
        playbook={"embedder": "hash", "auto_ingest": False},
        # Tests send turns faster than any recruiter; a burst of 20 made the longer flows flaky.
        # tests/api/test_api_limits.py sets its own limits.
        limits={"rate_limit_per_minute": 0},
    )


def make_service(settings: Settings, model: ScriptedChatModel) -> Service:
    return Service(settings, model=model, store=Store(settings.storage.resolved_database_url)).start()


@pytest.fixture
def model() -> ScriptedChatModel:
    return ScriptedChatModel(script=[])


@pytest.fixture
def service(settings: Settings, model: ScriptedChatModel) -> Iterator[Service]:
    running = make_service(settings, model)
    yield running
    running.stop()


@pytest.fixture
def client(service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(service)) as test_client:
        yield test_client


@pytest.fixture
def auth(service: Service) -> dict[str, str]:
    assert service.dev_key, "a fresh store creates a dev key"
    return {"Authorization": f"Bearer {service.dev_key}"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reset-thresholds", action="store_true", default=False,
        help="When recording the eval cassettes, set evals/thresholds.yaml's minimums from this recording",
    )


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    """Recorded model traffic replays only for the very request that was recorded: a changed prompt or
    schema fails the test (re-record) instead of silently replaying a stale answer."""
    return {
        "match_on": ["method", "scheme", "host", "port", "path", "body"],
        "filter_headers": ["authorization"],
        "decode_compressed_response": True,
    }
