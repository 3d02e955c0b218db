"""Limits a client meets at the door: body size (413) and request rate (429 with Retry-After)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.body_limit import BodyLimit
from assistant.access.quota import Quota
from assistant.core.errors import TooManyRequests
from assistant.core.settings import Settings
from assistant.service import Service
from tests.conftest import make_service
from tests.support.fakes import ScriptedChatModel


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[TestClient, Service]]:
    settings = Settings(
        storage={"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'test.db'}"},
        access={"api_keys": ""},
        limits={"max_request_bytes": 2048, "rate_limit_per_minute": 6, "rate_limit_burst": 3},
    )
    service = make_service(settings, ScriptedChatModel(script=[]))
    with TestClient(create_app(service)) as client:
        yield client, service
    service.stop()


def _auth(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_body_over_the_limit_is_refused_with_413(limited: tuple[TestClient, Service]) -> None:
    client, service = limited
    big = {"kind": "candidate", "role_title": "x" * 3000}
    response = client.post("/debriefs", json=big, headers=_auth(service.dev_key))
    assert response.status_code == 413
    assert "DEBRIEF_MAX_REQUEST_BYTES" in response.json()["detail"]
    assert client.post("/debriefs", json={"kind": "candidate"}, headers=_auth(service.dev_key)).status_code == 201


def test_a_chunked_body_without_content_length_is_cut_off_at_the_limit(limited: tuple[TestClient, Service]) -> None:
    client, service = limited

    def chunks() -> Iterator[bytes]:
        yield b'{"kind": "candidate", "role_title": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    response = client.post("/debriefs", content=chunks(), headers={
        **_auth(service.dev_key), "Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413
    assert client.get("/debriefs", headers=_auth(service.dev_key)).json() == []


def test_the_body_is_read_only_up_to_the_limit() -> None:
    """An endless upload: the middleware stops pulling chunks once past the limit and answers 413."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def endless() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    asyncio.run(BodyLimit(app, max_bytes=10_000)(scope, endless, send))
    assert pulled == 11
    assert sent[0]["status"] == 413


def test_each_key_gets_its_own_allowance_then_429_with_retry_after(limited: tuple[TestClient, Service]) -> None:
    client, service = limited
    alice, bob = _auth(service.dev_key), _auth(service.keys.add("bob"))
    assert [client.get("/debriefs", headers=alice).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/debriefs", headers=alice)
    assert refused.status_code == 429
    assert "too many requests" in refused.json()["detail"]
    # 6 a minute refill one request every 10 s.
    assert 1 <= int(refused.headers["Retry-After"]) <= 10
    assert client.get("/debriefs", headers=bob).status_code == 200


def test_requests_without_a_valid_key_are_limited_by_address(limited: tuple[TestClient, Service]) -> None:
    client, service = limited
    guesses = [client.get("/debriefs", headers=_auth(f"guess-{n}")).status_code for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    assert client.get("/debriefs", headers=_auth(service.dev_key)).status_code == 200


def test_the_allowance_refills_at_the_configured_rate() -> None:
    now = [0.0]
    quota = Quota(per_minute=60, burst=2, clock=lambda: now[0])
    quota.take("a")
    quota.take("a")
    with pytest.raises(TooManyRequests) as refused:
        quota.take("a")
    assert refused.value.retry_after_s == pytest.approx(1.0)
    now[0] = 1.0
    quota.take("a")
    with pytest.raises(TooManyRequests):
        quota.take("a")
    unlimited = Quota(per_minute=0, burst=1)
    for _ in range(5):
        unlimited.take("a")  # 0 turns the limit off


def test_the_key_is_checked_before_the_body_is_read(limited: tuple[TestClient, Service]) -> None:
    """An unauthenticated malformed body is a 401 (before: 422, which also told the caller the route's
    shape) and counts against the caller's address like any refused key (before: never limited)."""
    client, service = limited
    bad_json = {"Content-Type": "application/json"}
    codes = [client.post("/debriefs", content=b"{not json", headers=bad_json).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert client.get("/debriefs", headers=_auth(service.dev_key)).status_code == 200


def test_an_upload_without_a_key_is_refused_before_it_is_parsed(limited: tuple[TestClient, Service]) -> None:
    client, _service = limited
    # A form that is not multipart at all: parsing it first answered 400 before the key was looked at.
    response = client.post("/debriefs/x/drafts/upload", content=b"not a form",
                           headers={**_auth("dbf_wrong"), "Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
