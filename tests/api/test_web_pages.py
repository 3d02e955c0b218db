"""The web app without a browser: sign-in, the session cookie, CSRF, escaping, the page headers, access
control, and record corrections made from the record panel."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.core.errors import InvalidInput
from assistant.core.settings import Settings
from assistant.service import Service
from tests.conftest import make_service
from tests.support.fakes import ScriptedChatModel, update

PAGE = {"Accept": "text/html"}


def token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def signed_in(client: TestClient, key: str) -> str:
    """Signs in; returns the session's CSRF token."""
    form = client.get("/signin", headers=PAGE)
    response = client.post("/signin", data={"key": key, "csrf_token": token(form.text)}, headers=PAGE,
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return token(client.get("/", headers=PAGE).text)


def open_debrief(client: TestClient, csrf: str, **fields: str) -> str:
    response = client.post("/app/debriefs", data={"kind": "candidate", "csrf_token": csrf, **fields}, headers=PAGE,
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_the_session_cookie_is_httponly_strict_and_holds_no_key(client: TestClient, service: Service) -> None:
    assert service.dev_key
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin"
    form = client.get("/signin", headers=PAGE)
    response = client.post("/signin", data={"key": service.dev_key, "csrf_token": token(form.text)},
                           headers=PAGE, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert service.dev_key.lower() not in cookie
    assert client.get("/", headers=PAGE).status_code == 200


def test_a_wrong_key_or_a_missing_token_does_not_sign_in(client: TestClient, service: Service) -> None:
    assert service.dev_key
    form = client.get("/signin", headers=PAGE)
    wrong = client.post("/signin", data={"key": "dbf_wrong", "csrf_token": token(form.text)}, headers=PAGE)
    assert wrong.status_code == 401 and "not known" in wrong.text
    no_token = client.post("/signin", data={"key": service.dev_key}, headers=PAGE)
    assert no_token.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_every_state_changing_request_needs_the_sessions_token(client: TestClient, service: Service) -> None:
    assert service.dev_key
    csrf = signed_in(client, service.dev_key)
    assert client.post("/app/debriefs", data={"kind": "candidate"}, headers=PAGE).status_code == 403
    assert client.post("/app/debriefs", data={"kind": "candidate", "csrf_token": "forged"},
                       headers=PAGE).status_code == 403
    url = open_debrief(client, csrf)
    stream = client.post(f"{url}/messages/stream", json={"text": "hello"})
    assert stream.status_code == 403 and "out of date" in stream.json()["detail"]
    assert client.post(f"{url}/corrections", data={"field": "company", "value": "Halcyon"},
                       headers=PAGE).status_code == 403
    assert client.post("/signout", headers=PAGE).status_code == 403
    assert client.get("/", headers=PAGE).status_code == 200, "still signed in"


def test_candidate_text_is_escaped_and_pages_carry_a_strict_csp(client: TestClient, service: Service) -> None:
    assert service.dev_key
    csrf = signed_in(client, service.dev_key)
    url = open_debrief(client, csrf, candidate_name='<script>alert("x")</script>', company="<img src=x onerror=1>")
    for page in (client.get(url, headers=PAGE), client.get("/", headers=PAGE)):
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert "<script>" not in re.sub(r'<script src="/static/app.js" defer></script>', "", client.get(url).text)


def test_an_expired_session_sends_pages_to_sign_in_and_fetches_get_a_401(client: TestClient, service: Service) -> None:
    assert service.dev_key
    csrf = signed_in(client, service.dev_key)
    url = open_debrief(client, csrf)
    client.cookies.clear()
    page = client.get(url, headers=PAGE, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/signin?expired=1"
    assert "session has expired" in client.get("/signin?expired=1", headers=PAGE).text
    live = client.get(f"{url}/live")
    assert live.status_code == 401 and "sign in again" in live.json()["detail"]


def test_another_recruiters_debrief_is_not_found(client: TestClient, service: Service) -> None:
    assert service.dev_key
    url = open_debrief(client, signed_in(client, service.dev_key))
    client.cookies.clear()
    signed_in(client, service.keys.add("someone else"))
    other = client.get(url, headers=PAGE)
    assert other.status_code == 404 and "Not found" in other.text
    assert client.get(f"{url}/audit", headers=PAGE).status_code == 404


def test_a_correction_from_the_panel_is_checked_logged_and_marked_as_typed_in(
    client: TestClient, service: Service, model: ScriptedChatModel
) -> None:
    assert service.dev_key
    model.script = [[update("candidate_name", "", "Lena"), update("candidate_interest", "4", "keen, 4/5"),
                     update("strengths", "", "strong on stakeholder stories")]]
    csrf = signed_in(client, service.dev_key)
    url = open_debrief(client, csrf)
    debrief_id = url.rsplit("/", 1)[1]
    client.post(f"{url}/messages", data={"text": "spoke to Lena Park, keen, 4/5. strong on stakeholder stories",
                                         "csrf_token": csrf}, headers=PAGE)

    for field, value in (("candidate_name", "Lena Park"), ("candidate_interest", "3"),
                         ("strengths", "strong on stakeholder stories\nclear on SQL"),
                         ("compensation_expected", "55k")):
        response = client.post(f"{url}/corrections", data={"field": field, "value": value, "csrf_token": csrf},
                               headers=PAGE)
        assert response.status_code == 200 and "flash notice" in response.text, (field, response.text[:300])

    me = service.keys.authenticate(service.dev_key).id
    debrief = service.debriefs.get(me, debrief_id)
    fields = debrief.record.fields
    assert fields["candidate_name"].value == "Lena Park" and fields["candidate_name"].source == "form"
    assert fields["candidate_interest"].value == 3
    assert fields["candidate_interest"].evidence == ["candidate interest is 3"]
    assert fields["strengths"].value == ["strong on stakeholder stories", "clear on SQL"]
    assert fields["compensation"].value["expected"] == 55000
    lines = [m.text for m in debrief.transcript if m.role == "recruiter"]
    assert "Correction: candidate interest is 3" in lines
    replies = [m.text for m in debrief.transcript if m.role == "assistant"]
    assert any("interest 3/5 (was 4)" in r for r in replies)
    assert len(model.calls) == 1, "a correction calls no model"

    refused = client.post(f"{url}/corrections", data={"field": "candidate_interest", "value": "9", "csrf_token": csrf},
                          headers=PAGE)
    assert "flash error" in refused.text
    assert service.debriefs.get(me, debrief_id).record.value("candidate_interest") == 3


def test_a_correction_names_a_field_of_the_debriefs_side(service: Service) -> None:
    assert service.dev_key
    me = service.keys.authenticate(service.dev_key).id
    debrief = service.debriefs.open(me, "candidate")
    with pytest.raises(InvalidInput):
        service.debriefs.correct(me, debrief.id, "decision", "reject")  # a client-side field
    with pytest.raises(InvalidInput):
        service.debriefs.correct(me, debrief.id, "company", "   ")
    service.debriefs.correct(me, debrief.id, "company", "Halcyon")
    with pytest.raises(InvalidInput, match="already holds"):
        service.debriefs.correct(me, debrief.id, "company", "Halcyon")


@pytest.mark.parametrize("typed, reason", [
    ("-5", "cannot be negative"), ("1e400", "exponent"), ("999999999999", "not a pay figure"),
    ("minus 5k", "cannot be negative"),
])
def test_a_negative_exponent_or_absurd_pay_correction_is_refused_with_a_reason(
    service: Service, typed: str, reason: str
) -> None:
    """Before: -5 was stored as 5,000 and 1e400 as 400,000, without a word."""
    assert service.dev_key
    me = service.keys.authenticate(service.dev_key).id
    debrief = service.debriefs.open(me, "candidate")
    service.debriefs.correct(me, debrief.id, "compensation_expected", "55k")
    with pytest.raises(InvalidInput, match=reason):
        service.debriefs.correct(me, debrief.id, "compensation_expected", typed)
    assert service.debriefs.get(me, debrief.id).record.fields["compensation"].value["expected"] == 55000


def test_signing_out_ends_the_session_on_the_server(client: TestClient, service: Service) -> None:
    """A copy of the cookie saved before signing out opens nothing afterwards (before: for 8 hours)."""
    assert service.dev_key
    csrf = signed_in(client, service.dev_key)
    saved = dict(client.cookies)
    assert client.get("/", headers=PAGE, follow_redirects=False).status_code == 200
    out = client.post("/signout", data={"csrf_token": csrf}, headers=PAGE, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    client.cookies.clear()
    for name, value in saved.items():
        client.cookies.set(name, value)
    replayed = client.get("/", headers=PAGE, follow_redirects=False)
    assert replayed.status_code == 303 and replayed.headers["location"] == "/signin"
    assert client.get("/app/debriefs/anything/live").status_code == 401
    # Signing in again works.
    client.cookies.clear()
    signed_in(client, service.dev_key)
    assert client.get("/", headers=PAGE, follow_redirects=False).status_code == 200


def test_the_session_cookie_is_secure_only_when_the_service_is_behind_https(
    settings: Settings, model: ScriptedChatModel
) -> None:
    for behind_https in (False, True):
        url = f"sqlite:///{settings.storage.data_dir / f'https-{behind_https}.db'}"
        configured = settings.overridden(server={"behind_https": behind_https}, storage={"database_url": url})
        service = make_service(configured, model)
        assert service.dev_key
        with TestClient(create_app(service), base_url="https://testserver") as client:
            form = client.get("/signin", headers=PAGE)
            response = client.post("/signin", data={"key": service.dev_key, "csrf_token": token(form.text)},
                                   headers=PAGE, follow_redirects=False)
            flags = [flag.strip() for flag in response.headers["set-cookie"].lower().split(";")]
            assert ("secure" in flags) is behind_https
        service.stop()


def test_an_unsigned_in_malformed_body_gets_the_signed_out_answer_not_a_422(client: TestClient) -> None:
    response = client.post("/app/debriefs/x/messages/stream", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 401
