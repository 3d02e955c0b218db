"""Two recruiters: nothing of one's debriefs reaches the other, through any endpoint.

Alice's debriefs carry a marker string (the candidate's name, her messages, a captured value, a message
left pending by a model outage). Bob probes every route the app serves with Alice's ids and keys; every
response must be free of the marker, and Alice's ids must answer 404 (not 403: an id must not be confirmed).
The routes are read from the app itself, so a new endpoint fails this test until it is given a probe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from assistant.service import Service
from tests.support.fakes import ScriptedChatModel, update

MARKER = "Zephyrine Quillfeather-7731"


class Alice:
    def __init__(self, client: TestClient, auth: dict[str, str], model: ScriptedChatModel) -> None:
        self.auth = auth
        model.script = [[update("strengths", f"mentored {MARKER}", f"mentored {MARKER}"),
                         update("candidate_name", MARKER, MARKER)]]
        opened = client.post("/debriefs", json={"kind": "candidate", "candidate_name": MARKER,
                                                "company": MARKER}, headers=auth).json()
        self.done_id = opened["id"]
        self.key = "alice-turn-1"
        self.body = {"text": f"{MARKER} is keen; she mentored {MARKER}"}
        turn = client.post(f"/debriefs/{self.done_id}/messages", json=self.body,
                           headers={**auth, "Idempotency-Key": self.key})
        assert turn.status_code == 200 and MARKER in turn.text
        # A second debrief with a message kept pending by a model outage, so retry has something to run.
        self.pending_id = client.post("/debriefs", json={"kind": "client", "company": MARKER},
                                      headers=auth).json()["id"]
        model.fail_with = httpx.ConnectError("down")
        assert client.post(f"/debriefs/{self.pending_id}/messages", json={"text": f"{MARKER} passed"},
                           headers=auth).status_code == 503
        model.fail_with = None
        self.ids = [self.done_id, self.pending_id]
        # A webhook endpoint and an ATS link, so the approval below queues a delivery and an ATS note.
        self.endpoint_id = client.post("/webhooks", json={"url": "https://hooks.example.com/alice",
                                                          "description": MARKER}, headers=auth).json()["id"]
        linked = client.put(f"/debriefs/{self.done_id}/ats-link", json={"ats": "greenhouse", "candidate_id": "7731"},
                            headers=auth)
        assert linked.status_code == 200, linked.text
        # A draft (approved, so export has something to give) and an interview holding her debrief.
        model.script = [f"Subject: Next steps\n\nHi,\n\n{MARKER} mentored {MARKER}.\n\nBest regards"]
        model._iterator = None
        draft = client.post(f"/debriefs/{self.done_id}/drafts", json={"type": "candidate_feedback_email"},
                            headers=auth)
        assert draft.status_code == 201, draft.text
        self.draft_id = draft.json()["id"]
        client.post(f"/debriefs/{self.done_id}/drafts/{self.draft_id}/approve",
                    json={"override_reason": "checked with the candidate beforehand"}, headers=auth)
        interview = client.post("/interviews", json={"candidate_name": MARKER, "company": MARKER, "role_title": MARKER},
                                headers=auth)
        self.interview_id = interview.json()["id"]
        assert client.post(f"/interviews/{self.interview_id}/debriefs", json={"debrief_id": self.done_id},
                           headers=auth).status_code == 200
        client.put(f"/interviews/{self.interview_id}/ats-link", json={"ats": "greenhouse", "candidate_id": "7731"},
                   headers=auth)
        [delivery] = client.get(f"/webhooks/{self.endpoint_id}/deliveries", headers=auth).json()
        self.delivery_id = delivery["id"]
        [note] = client.get(f"/debriefs/{self.done_id}/ats-notes", headers=auth).json()
        self.note_id = note["id"]

    def still_intact(self, client: TestClient) -> None:
        for debrief_id in self.ids:
            got = client.get(f"/debriefs/{debrief_id}", headers=self.auth)
            assert got.status_code == 200 and MARKER in got.text
        assert [m["status"] for m in client.get(f"/debriefs/{self.pending_id}", headers=self.auth).json()
                ["transcript"] if m["role"] == "recruiter"] == ["pending"]
        draft = client.get(f"/debriefs/{self.done_id}/drafts/{self.draft_id}", headers=self.auth).json()
        assert draft["status"] == "approved" and draft["versions"] == 1
        assert client.get(f"/debriefs/{self.done_id}/audit", headers=self.auth).json()["intact"]
        assert client.get(f"/webhooks/{self.endpoint_id}", headers=self.auth).json()["description"] == MARKER
        assert client.get(f"/debriefs/{self.done_id}/ats-link", headers=self.auth).json()["candidate_id"] == "7731"
        assert client.get(f"/interviews/{self.interview_id}/ats-link", headers=self.auth).json() is not None
        [note] = client.get(f"/debriefs/{self.done_id}/ats-notes", headers=self.auth).json()
        assert note["state"] == "queued" and note["attempts"] == 0


Probe = Callable[[TestClient, dict[str, str], Alice], list[httpx.Response]]


def _each_id(method: str, suffix: str, **kwargs: Any) -> Probe:
    def probe(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
        answers = []
        for debrief_id in alice.ids:
            answer = client.request(method, f"/debriefs/{debrief_id}{suffix}", headers=bob, **kwargs)
            assert answer.status_code == 404, (method, suffix, answer.status_code, answer.text)
            answers.append(answer)
        return answers
    return probe


def _replayed_key(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    """Alice's very request, her Idempotency-Key included, sent by Bob: no replay of her answer."""
    answer = client.post(f"/debriefs/{alice.done_id}/messages", json=alice.body,
                         headers={**bob, "Idempotency-Key": alice.key})
    assert answer.status_code == 404 and "Idempotent-Replayed" not in answer.headers
    return [answer, *_each_id("POST", "/messages", json={"text": "hello"})(client, bob, alice)]


def _own_list(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    listed = client.get("/debriefs", headers=bob)
    assert listed.status_code == 200 and not {d["id"] for d in listed.json()} & set(alice.ids)
    return [listed]


def _open_own(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    opened = client.post("/debriefs", json={"kind": "candidate"}, headers=bob)
    assert opened.status_code == 201 and opened.json()["id"] not in alice.ids
    return [opened, client.get(f"/debriefs/{opened.json()['id']}", headers=bob)]


def _search(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    answers = []
    for source in ("all", "playbook", "documents"):
        # The query is Bob's own text and is echoed back to him: only the results are checked.
        answer = client.get("/playbook/search", params={"q": MARKER, "k": 50, "source": source}, headers=bob)
        assert answer.status_code == 200, answer.text
        answers.append(httpx.Response(200, json=answer.json()["results"]))
        neighbour = client.get("/playbook/search", params={"q": "keen and mentored", "source": source},
                               headers=bob)
        answers.append(neighbour)
    return answers


def _each_draft(method: str, suffix: str, **kwargs: Any) -> Probe:
    """Alice's draft id, under her debrief and under one of Bob's own."""
    def probe(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
        own = client.post("/debriefs", json={"kind": "candidate"}, headers=bob).json()["id"]
        answers = []
        for debrief_id in (alice.done_id, own):
            answer = client.request(method, f"/debriefs/{debrief_id}/drafts/{alice.draft_id}{suffix}",
                                    headers=bob, **kwargs)
            assert answer.status_code == 404, (method, suffix, answer.status_code, answer.text)
            answers.append(answer)
        return answers
    return probe


def _upload(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    return _each_id("POST", "/drafts/upload", files={"file": ("spec.md", b"# Role\n- Python\n", "text/markdown")})(
        client, bob, alice)


def _interview(suffix: str, method: str = "GET", **kwargs: Any) -> Probe:
    def probe(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
        answer = client.request(method, f"/interviews/{alice.interview_id}{suffix}", headers=bob, **kwargs)
        assert answer.status_code == 404, (suffix, answer.status_code, answer.text)
        return [answer]
    return probe


def _attach(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    """Bob's debrief into Alice's interview, and Alice's debrief into Bob's: both unknown to him."""
    own_debrief = client.post("/debriefs", json={"kind": "client"}, headers=bob).json()["id"]
    own_interview = client.post("/interviews", json={"candidate_name": "Someone Else"}, headers=bob).json()["id"]
    answers = [
        client.post(f"/interviews/{alice.interview_id}/debriefs", json={"debrief_id": own_debrief}, headers=bob),
        client.post(f"/interviews/{own_interview}/debriefs", json={"debrief_id": alice.done_id}, headers=bob),
    ]
    assert [a.status_code for a in answers] == [404, 404], [a.text for a in answers]
    return answers


def _own_interviews(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    created = client.post("/interviews", json={"candidate_name": "Someone Else"}, headers=bob)
    listed = client.get("/interviews", headers=bob)
    assert created.status_code == 201 and alice.interview_id not in {i["id"] for i in listed.json()}
    return [created, listed]


def _own_endpoints(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    created = client.post("/webhooks", json={"url": "https://hooks.example.com/bob"}, headers=bob)
    listed = client.get("/webhooks", headers=bob)
    assert created.status_code == 201 and alice.endpoint_id not in {e["id"] for e in listed.json()}
    return [created, listed]


def _endpoint(method: str, suffix: str) -> Probe:
    def probe(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
        answer = client.request(method, f"/webhooks/{alice.endpoint_id}{suffix}", headers=bob)
        assert answer.status_code == 404, (method, suffix, answer.status_code, answer.text)
        return [answer]
    return probe


def _replay(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    """Alice's delivery, under her endpoint and under one of Bob's own."""
    own = client.post("/webhooks", json={"url": "https://hooks.example.com/bob"}, headers=bob).json()["id"]
    answers = [client.post(f"/webhooks/{endpoint}/deliveries/{alice.delivery_id}/replay", headers=bob)
               for endpoint in (alice.endpoint_id, own)]
    assert [a.status_code for a in answers] == [404, 404], [a.text for a in answers]
    return answers


def _retry_note(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    own = client.post("/debriefs", json={"kind": "candidate"}, headers=bob).json()["id"]
    answers = [client.post(f"/debriefs/{debrief_id}/ats-notes/{alice.note_id}/retry", headers=bob)
               for debrief_id in (alice.done_id, own)]
    assert [a.status_code for a in answers] == [404, 404], [a.text for a in answers]
    return answers


def _own_export(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    answers = [client.get("/exports/debriefs", params={"format": fmt}, headers=bob) for fmt in ("csv", "jsonl")]
    assert all(a.status_code == 200 for a in answers)
    assert not any(debrief_id in a.text for a in answers for debrief_id in alice.ids)
    return answers


LINK = {"ats": "greenhouse", "candidate_id": "1"}
PAGE = {"Accept": "text/html"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _web_session(client: TestClient, bob: dict[str, str]) -> str:
    """Bob signed in to the web app with his key (the cookie stays in the client); his CSRF token."""
    key = bob["Authorization"].removeprefix("Bearer ")
    form = client.get("/signin", headers=PAGE)
    found = _CSRF.search(form.text)
    assert found
    client.post("/signin", data={"key": key, "csrf_token": found.group(1)}, headers=PAGE)
    home = _CSRF.search(client.get("/", headers=PAGE).text)
    assert home
    return home.group(1)


def _page(method: str, suffix: str, draft: bool = False, **data: str) -> Probe:
    """A web-app route on each of Alice's debriefs (and her draft), from Bob's own signed-in session:
    not found, or sent back with an error, and never with her data."""
    def probe(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
        csrf = _web_session(client, bob)
        answers = []
        for debrief_id in alice.ids:
            path = f"/app/debriefs/{debrief_id}" + (f"/drafts/{alice.draft_id}" if draft else "") + suffix
            if suffix.endswith("/stream"):  # the page's fetch calls: JSON, token in a header
                answer = client.request(method, path, json=data or None, headers={**PAGE, "X-CSRF-Token": csrf})
            else:
                form = {"csrf_token": csrf, **data} if method == "POST" else None
                answer = client.request(method, path, data=form, headers=PAGE)
            assert answer.status_code in (200, 404) and (answer.status_code == 404 or answer.history), (
                method, path, answer.status_code)
            answers.append(answer)
        return answers
    return probe


def _web_home(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    csrf = _web_session(client, bob)
    opened = client.post("/app/debriefs", data={"kind": "candidate", "csrf_token": csrf}, headers=PAGE)
    answers = [client.get("/", headers=PAGE), opened, client.get("/signin", headers=PAGE)]
    answers.append(client.post("/signout", data={"csrf_token": csrf}, headers=PAGE))
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]
    return answers


def _erase_candidate(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    """Bob's erasure request for Alice's candidate: it finds nothing of his, and erases nothing of hers."""
    answer = client.delete("/candidates", params={"name": MARKER}, headers=bob)
    assert answer.status_code == 200 and set(answer.json().values()) == {0}, answer.text
    return [answer]


def _get(path: str, method: str = "GET") -> Probe:
    def probe(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
        return [client.request(method, path, headers=bob)]
    return probe


def _stream(client: TestClient, bob: dict[str, str], alice: Alice) -> list[httpx.Response]:
    return _each_id("POST", "/messages/stream", json={"text": "hello"})(client, bob, alice)


PROBES: dict[tuple[str, str], Probe] = {
    ("POST", "/debriefs"): _open_own,
    ("GET", "/debriefs"): _own_list,
    ("GET", "/debriefs/{debrief_id}"): _each_id("GET", ""),
    ("GET", "/debriefs/{debrief_id}/guidance"): _each_id("GET", "/guidance"),
    ("GET", "/debriefs/{debrief_id}/refinement"): _each_id("GET", "/refinement"),
    ("DELETE", "/debriefs/{debrief_id}"): _each_id("DELETE", ""),
    ("POST", "/debriefs/{debrief_id}/messages"): _replayed_key,
    ("POST", "/debriefs/{debrief_id}/messages/stream"): _stream,
    ("POST", "/debriefs/{debrief_id}/retry"): _each_id("POST", "/retry"),
    ("GET", "/playbook/search"): _search,
    ("GET", "/debriefs/{debrief_id}/drafts"): _each_id("GET", "/drafts"),
    ("POST", "/debriefs/{debrief_id}/drafts"): _each_id("POST", "/drafts", json={"type": "client_follow_up"}),
    ("POST", "/debriefs/{debrief_id}/drafts/stream"): _each_id(
        "POST", "/drafts/stream", json={"type": "client_follow_up"}),
    ("POST", "/debriefs/{debrief_id}/drafts/upload"): _upload,
    ("GET", "/debriefs/{debrief_id}/drafts/{draft_id}"): _each_draft("GET", ""),
    ("PUT", "/debriefs/{debrief_id}/drafts/{draft_id}"): _each_draft("PUT", "", json={"text": "changed"}),
    ("POST", "/debriefs/{debrief_id}/drafts/{draft_id}/approve"): _each_draft(
        "POST", "/approve", json={"override_reason": "a reason long enough to pass"}),
    ("POST", "/debriefs/{debrief_id}/drafts/{draft_id}/discard"): _each_draft("POST", "/discard"),
    ("GET", "/debriefs/{debrief_id}/drafts/{draft_id}/export"): _each_draft("GET", "/export"),
    ("GET", "/debriefs/{debrief_id}/audit"): _each_id("GET", "/audit"),
    ("PUT", "/debriefs/{debrief_id}/legal-hold"): _each_id(
        "PUT", "/legal-hold", json={"hold": True, "reason": "a hold Bob has no right to place"}),
    ("DELETE", "/candidates"): _erase_candidate,
    ("POST", "/interviews"): _own_interviews,
    ("GET", "/interviews"): _own_interviews,
    ("GET", "/interviews/{interview_id}"): _interview(""),
    ("GET", "/interviews/drift"): _get(f"/interviews/drift?company={MARKER}&role_title={MARKER}"),
    ("GET", "/interviews/{interview_id}/reconciliation"): _interview("/reconciliation"),
    ("POST", "/interviews/{interview_id}/debriefs"): _attach,
    ("GET", "/health"): _get("/health"),
    ("GET", "/health/live"): _get("/health/live"),
    ("GET", "/health/ready"): _get("/health/ready"),
    ("GET", "/metrics"): _get("/metrics"),
    ("POST", "/webhooks"): _own_endpoints,
    ("GET", "/webhooks"): _own_endpoints,
    ("GET", "/webhooks/{endpoint_id}"): _endpoint("GET", ""),
    ("DELETE", "/webhooks/{endpoint_id}"): _endpoint("DELETE", ""),
    ("GET", "/webhooks/{endpoint_id}/deliveries"): _endpoint("GET", "/deliveries"),
    ("POST", "/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay"): _replay,
    ("GET", "/debriefs/{debrief_id}/ats-link"): _each_id("GET", "/ats-link"),
    ("PUT", "/debriefs/{debrief_id}/ats-link"): _each_id("PUT", "/ats-link", json=LINK),
    ("DELETE", "/debriefs/{debrief_id}/ats-link"): _each_id("DELETE", "/ats-link"),
    ("GET", "/interviews/{interview_id}/ats-link"): _interview("/ats-link"),
    ("PUT", "/interviews/{interview_id}/ats-link"): _interview("/ats-link", "PUT", json=LINK),
    ("DELETE", "/interviews/{interview_id}/ats-link"): _interview("/ats-link", "DELETE"),
    ("GET", "/debriefs/{debrief_id}/ats-notes"): _each_id("GET", "/ats-notes"),
    ("POST", "/debriefs/{debrief_id}/ats-notes/{note_id}/retry"): _retry_note,
    ("GET", "/exports/debriefs"): _own_export,
    ("GET", "/static/{path}"): _get("/static/app.js"),
    **{route: _web_home for route in (("GET", "/"), ("POST", "/app/debriefs"), ("GET", "/signin"),
                                      ("POST", "/signin"), ("POST", "/signout"))},
    ("GET", "/app/debriefs/{debrief_id}"): _page("GET", ""),
    ("GET", "/app/debriefs/{debrief_id}/live"): _page("GET", "/live"),
    ("GET", "/app/debriefs/{debrief_id}/refinement"): _page("GET", "/refinement"),
    ("GET", "/app/debriefs/{debrief_id}/audit"): _page("GET", "/audit"),
    ("POST", "/app/debriefs/{debrief_id}/messages"): _page("POST", "/messages", text="hello"),
    ("POST", "/app/debriefs/{debrief_id}/messages/stream"): _page("POST", "/messages/stream", text="hello"),
    ("POST", "/app/debriefs/{debrief_id}/retry"): _page("POST", "/retry"),
    ("POST", "/app/debriefs/{debrief_id}/retry/stream"): _page("POST", "/retry/stream"),
    ("POST", "/app/debriefs/{debrief_id}/corrections"): _page(
        "POST", "/corrections", field="candidate_interest", value="1"),
    ("POST", "/app/debriefs/{debrief_id}/drafts"): _page("POST", "/drafts", type="client_follow_up"),
    ("POST", "/app/debriefs/{debrief_id}/ats-link"): _page("POST", "/ats-link", ats="greenhouse", candidate_id="1"),
    ("GET", "/app/debriefs/{debrief_id}/drafts/{draft_id}"): _page("GET", "", draft=True),
    ("GET", "/app/debriefs/{debrief_id}/drafts/{draft_id}/export"): _page("GET", "/export", draft=True),
    ("POST", "/app/debriefs/{debrief_id}/drafts/{draft_id}/edit"): _page("POST", "/edit", draft=True, text="x"),
    ("POST", "/app/debriefs/{debrief_id}/drafts/{draft_id}/approve"): _page(
        "POST", "/approve", draft=True, override_reason="a reason long enough to pass"),
    ("POST", "/app/debriefs/{debrief_id}/drafts/{draft_id}/discard"): _page("POST", "/discard", draft=True),
    # FastAPI's own documentation pages.
    **{(method, path): _get(path, method) for method in ("GET", "HEAD")
       for path in ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")},
}


def served(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers, walking included routers; anything unknown is reported as
    such so it fails the classification below instead of being skipped."""
    for route in routes:
        if isinstance(route, APIRoute | Route):
            yield from ((method, prefix + route.path) for method in route.methods or ())
        elif isinstance(route, Mount) and isinstance(route.app, StaticFiles):
            yield ("GET", prefix + route.path + "/{path}")
        elif hasattr(route, "original_router"):  # FastAPI's included routers
            yield from served(route.original_router.routes, prefix + route.include_context.prefix)
        else:
            yield ("?", repr(route))


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bob's probes are many quick requests with one key; the rate limit is tested on its own.
    monkeypatch.setenv("DEBRIEF_RATE_LIMIT_PER_MINUTE", "0")


@pytest.fixture
def ingested(service: Service) -> Service:
    # A playbook in the index, so searches and guidance have passages to return.
    service.playbook.ingest()
    return service


def test_no_endpoint_shows_one_recruiters_debriefs_to_another(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, ingested: Service
) -> None:
    alice = Alice(client, auth, model)
    bob = {"Authorization": f"Bearer {ingested.keys.add('bob')}"}
    app: Any = client.app
    routes = set(served(app.routes))
    documented = {(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item}
    assert documented <= routes, f"the route walk missed {documented - routes}"
    unclassified = routes - PROBES.keys()
    assert not unclassified, f"new endpoints need an isolation probe in tests/access/test_isolation.py: {unclassified}"
    calls = len(model.calls)
    probed = 0
    for route in sorted(routes):
        for answer in PROBES[route](client, bob, alice):
            probed += 1
            assert MARKER not in answer.text, f"{route} showed Alice's data to Bob"
            assert not any(MARKER in value for value in answer.headers.values()), route
            assert answer.status_code != 403, f"{route} confirmed that Alice's id exists"
    assert len(model.calls) == calls, "Bob's probes ran a turn on Alice's debrief"
    assert probed >= len(routes)
    alice.still_intact(client)
