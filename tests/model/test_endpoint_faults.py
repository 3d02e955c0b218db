"""The model endpoint misbehaving, over real HTTP on 127.0.0.1: errors and rate limits are retried with
growing pauses, a hung endpoint fails within the timeout, and after repeated failures the breaker stops
calling it until a trial call succeeds."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.conversation.extraction import Extractor, PastTurn
from assistant.core.errors import ModelPaused, ModelRestarting, ModelUnavailable
from assistant.core.prompts import PromptLibrary
from assistant.core.settings import Settings
from assistant.model.breaker import Breaker
from assistant.model.llm import Endpoint, chat_model, is_endpoint_fault
from tests.conftest import make_service
from tests.support.fakes import ScriptedChatModel, update
from tests.support.faulty_endpoint import Answer, FaultyEndpoint

INTEREST = [{"quote": "4/5", "field": "candidate_interest"}]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _extractor(endpoint: FaultyEndpoint, breaker: Breaker | None = None, **llm: object) -> Extractor:
    """`llm`: the model call's settings (`max_retries`, `timeout_s`), the rest as configured."""
    configured = Settings(llm=llm)
    model = chat_model(Endpoint(endpoint.base_url, "m", "not-needed"), configured)
    return Extractor(model, PromptLibrary(configured.content.prompts_dir), breaker=breaker)


def _turn(extractor: Extractor, stream: bool = False) -> list[str]:
    extraction = extractor.extract(
        "candidate", [], PastTurn(None, "she's keen, 4/5"),
        on_progress=(lambda _n: None) if stream else None,
    )
    return [u.field for u in extraction.proposed]


def test_server_errors_and_rate_limits_are_retried_with_growing_pauses() -> None:
    answers = [Answer(status=500), Answer(status=503), Answer(status=429), Answer(updates=INTEREST)]
    with FaultyEndpoint(answers).running() as endpoint:
        assert _turn(_extractor(endpoint, max_retries=3)) == ["candidate_interest"]
    assert endpoint.requests == 4
    first, second, third = endpoint.gaps()
    # The client's backoff: 0.5 s doubling, less up to 25% jitter, so each pause is longer than the last.
    assert 0.3 < first < second < third


def test_a_retry_after_header_sets_the_pause() -> None:
    answers = [Answer(status=429, headers={"Retry-After": "1"}), Answer(updates=INTEREST)]
    with FaultyEndpoint(answers).running() as endpoint:
        assert _turn(_extractor(endpoint, max_retries=1)) == ["candidate_interest"]
    # Without the header the first pause would be at most 0.5 s.
    assert endpoint.gaps()[0] >= 0.95


def test_retries_are_bounded_then_the_turn_fails_as_unavailable() -> None:
    with FaultyEndpoint([Answer(status=502)]).running() as endpoint, pytest.raises(ModelUnavailable):
        _turn(_extractor(endpoint, max_retries=2))
    assert endpoint.requests == 3


@pytest.mark.parametrize("stream", [False, True], ids=["whole-answer", "streamed"])
def test_a_hung_endpoint_fails_within_the_timeout(stream: bool) -> None:
    # Streamed, the endpoint sends its first chunk and then nothing: the gap between chunks is bounded too.
    hang = Answer(hang_s=30, stream_first=stream, updates=INTEREST)
    with FaultyEndpoint([hang]).running() as endpoint:
        started = time.monotonic()
        with pytest.raises(ModelUnavailable):
            _turn(_extractor(endpoint, timeout_s=0.5, max_retries=0), stream=stream)
        elapsed = time.monotonic() - started
    assert endpoint.requests == 1
    assert elapsed < 5, f"a 0.5 s timeout took {elapsed:.1f} s"


def test_the_breaker_opens_after_n_failures_fails_fast_then_a_trial_call_closes_it() -> None:
    clock = Clock()
    breaker = Breaker(3, 30, is_endpoint_fault, clock=clock)
    endpoint = FaultyEndpoint([Answer(status=500)])
    with endpoint.running():
        extractor = _extractor(endpoint, breaker, max_retries=0)
        for _ in range(3):
            with pytest.raises(ModelUnavailable) as failed:
                _turn(extractor)
            assert not isinstance(failed.value, ModelPaused)
        assert endpoint.requests == 3 and breaker.is_open

        for stream in (False, True, False):
            with pytest.raises(ModelPaused):
                _turn(extractor, stream=stream)
        assert endpoint.requests == 3, "no request reaches the endpoint while the breaker is open"

        clock.now = 31  # the cool-down is over: one trial call, which fails and reopens the breaker
        with pytest.raises(ModelUnavailable):
            _turn(extractor)
        assert endpoint.requests == 4
        with pytest.raises(ModelPaused):
            _turn(extractor)
        assert endpoint.requests == 4

        endpoint.answers = [Answer(updates=INTEREST)]
        clock.now = 62
        assert _turn(extractor) == ["candidate_interest"]  # the trial succeeds and closes the breaker
        assert not breaker.is_open
        assert _turn(extractor, stream=True) == ["candidate_interest"]
    assert endpoint.requests == 6


def test_while_the_model_server_restarts_turns_say_so_and_do_not_open_the_breaker() -> None:
    """A failure while the embedded server is dying is the restart, not a faulty endpoint: it says why,
    is not counted (turns are not paused once the server is back), and while the server is known to be
    out no call is tried."""
    reason = "the model server stopped (killed by SIGKILL) and is restarting"
    state = {"server": "dying"}

    def outage(wait_s: float) -> str | None:
        # Dying: the connection dropped but the exit is only seen by a caller that waits a moment.
        if state["server"] == "out" or (state["server"] == "dying" and wait_s > 0):
            return reason
        return None

    breaker = Breaker(1, 30, is_endpoint_fault, outage=outage)
    endpoint = FaultyEndpoint([Answer(status=500)])
    with endpoint.running():
        extractor = _extractor(endpoint, breaker, max_retries=0)
        with pytest.raises(ModelRestarting, match="killed by SIGKILL"):
            _turn(extractor)
        assert endpoint.requests == 1 and not breaker.is_open
        state["server"] = "out"
        with pytest.raises(ModelRestarting, match="killed by SIGKILL"):
            _turn(extractor, stream=True)
        assert endpoint.requests == 1, "no call is tried while the server is known to be out"
        state["server"] = "back"
        endpoint.answers = [Answer(updates=INTEREST)]
        assert _turn(extractor) == ["candidate_interest"]
    assert endpoint.requests == 2


def test_requests_the_endpoint_refuses_do_not_open_the_breaker() -> None:
    breaker = Breaker(1, 30, is_endpoint_fault)
    with FaultyEndpoint([Answer(status=400)]).running() as endpoint:
        extractor = _extractor(endpoint, breaker, max_retries=0)
        for _ in range(2):
            with pytest.raises(ModelUnavailable) as failed:
                _turn(extractor)
            assert not isinstance(failed.value, ModelPaused)
    assert endpoint.requests == 2 and not breaker.is_open


def test_an_open_breaker_is_a_503_naming_the_setting_and_the_message_is_kept_for_retry(tmp_path) -> None:
    settings = Settings(
        storage={"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'test.db'}"},
        access={"api_keys": ""},
        llm={"breaker_failures": 2, "breaker_cooldown_s": 3.0},
    )
    model = ScriptedChatModel(script=[], fail_with=httpx.ConnectError("connection refused"))
    service = make_service(settings, model)
    auth = {"Authorization": f"Bearer {service.dev_key}"}
    with TestClient(create_app(service)) as client:
        opened = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()
        url = f"/debriefs/{opened['id']}"
        first = client.post(f"{url}/messages", json={"text": "notice is 2 months"}, headers=auth)
        assert first.status_code == 503 and "DEBRIEF_LLM_BASE_URL" in first.json()["detail"]
        assert client.post(f"{url}/retry", headers=auth).status_code == 503
        assert len(model.calls) == 2

        paused = client.post(f"{url}/retry", headers=auth)
        assert paused.status_code == 503
        assert "DEBRIEF_LLM_BREAKER_COOLDOWN_S" in paused.json()["detail"]
        assert int(paused.headers["Retry-After"]) >= 1
        assert len(model.calls) == 2, "the paused turn did not call the model"
        not_ready = client.get("/health/ready")
        assert not_ready.status_code == 503 and not_ready.json()["status"] == "not ready"
        assert any("circuit breaker open" in reason for reason in not_ready.json()["reasons"])
        assert client.get("/health/live").json() == {"status": "alive"}
        transcript = client.get(url, headers=auth).json()["transcript"]
        assert transcript[-1]["status"] == "pending" and transcript[-1]["text"] == "notice is 2 months"

        time.sleep(3.05)  # the cool-down passes; the next retry is the trial call
        model.fail_with = None
        model.script = [[update("notice_period", "2 months", "notice is 2 months")]]
        retried = client.post(f"{url}/retry", headers=auth)
        assert retried.status_code == 200, retried.text
        assert retried.json()["record"]["fields"]["notice_period"]["value"] == "2 months"
        assert len(model.calls) == 3
        assert client.get("/health/ready").json() == {"status": "ready", "reasons": []}
    service.stop()
