"""Every text a route accepts is valid Unicode, NFC, and free of direction controls and zero-width
characters: a lone surrogate is a 422 (it was a 500 from the database), and what is stored, shown and
drafted from is the cleaned text."""

from __future__ import annotations

import unicodedata

import pytest
from fastapi.testclient import TestClient

from assistant.core.errors import InvalidInput
from assistant.core.typed_text import clean_typed
from assistant.service import Service
from tests.api.test_web_pages import PAGE, open_debrief, signed_in
from tests.support.fakes import ScriptedChatModel, update

SURROGATE = b'"\\ud800"'  # JSON's escape for a lone UTF-16 surrogate: valid JSON, not valid Unicode
JSON = {"Content-Type": "application/json"}


def test_clean_typed_refuses_surrogates_normalises_and_drops_invisible_characters() -> None:
    with pytest.raises(InvalidInput, match="not valid Unicode"):
        clean_typed("Priya \ud800")
    assert clean_typed("Rene\u0301e") == "Ren\u00e9e" == unicodedata.normalize("NFC", "Rene\u0301e")
    assert clean_typed("Pri\u200bya Sh\u2060ah\ufeff") == "Priya Shah"
    # "exe.png" shown right to left by an override reads as a harmless name: the override goes.
    assert clean_typed("invoice\u202egnp.exe") == "invoicegnp.exe"
    assert clean_typed("\u2067\u05e9\u05dc\u05d5\u05dd\u2069 \u200f") == "\u05e9\u05dc\u05d5\u05dd "


def _raw(client: TestClient, url: str, body: bytes, headers: dict[str, str]) -> int:
    return client.post(url, content=body, headers={**headers, **JSON}).status_code


def test_a_lone_surrogate_is_a_422_on_every_route_that_took_it(
    client: TestClient, auth: dict[str, str], service: Service
) -> None:
    debrief = client.post("/debriefs", json={"kind": "candidate"}, headers=auth).json()["id"]
    interview = client.post("/interviews", json={"candidate_name": "Ana Lima"}, headers=auth).json()["id"]
    refused = {
        "messages": _raw(client, f"/debriefs/{debrief}/messages", b'{"text": ' + SURROGATE + b"}", auth),
        "stream": _raw(client, f"/debriefs/{debrief}/messages/stream", b'{"text": ' + SURROGATE + b"}", auth),
        "open": _raw(client, "/debriefs", b'{"kind": "candidate", "interview_id": ' + SURROGATE + b"}", auth),
        "attach": _raw(client, f"/interviews/{interview}/debriefs", b'{"debrief_id": ' + SURROGATE + b"}", auth),
        "interview": _raw(client, "/interviews", b'{"candidate_name": "A' + SURROGATE[1:] + b"}", auth),
        "draft": _raw(client, f"/debriefs/{debrief}/drafts",
                      b'{"type": "candidate_coaching_note", "instructions": ' + SURROGATE + b"}", auth),
        "hold": client.put(f"/debriefs/{debrief}/legal-hold", content=b'{"hold": true, "reason": ' + SURROGATE + b"}",
                           headers={**auth, **JSON}).status_code,
    }
    assert refused == dict.fromkeys(refused, 422)
    detail = client.post(f"/debriefs/{debrief}/messages", content=b'{"text": ' + SURROGATE + b"}",
                         headers={**auth, **JSON}).json()["detail"]
    assert "not valid Unicode" in detail
    # Nothing was stored, and the debrief still works.
    assert len(client.get(f"/debriefs/{debrief}", headers=auth).json()["transcript"]) == 1


def test_a_lone_surrogate_is_a_422_on_the_web_apps_stream(client: TestClient, service: Service) -> None:
    assert service.dev_key
    csrf = signed_in(client, service.dev_key)
    url = open_debrief(client, csrf)
    response = client.post(f"{url}/messages/stream", content=b'{"text": ' + SURROGATE + b"}",
                           headers={"X-CSRF-Token": csrf, **JSON})
    assert response.status_code == 422


def test_what_is_stored_shown_and_replied_is_the_cleaned_text(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service
) -> None:
    name = "Rene\u0301e Pri\u200bce"  # a decomposed accent and a zero-width space
    debrief = client.post("/debriefs", json={"kind": "candidate", "candidate_name": name}, headers=auth).json()
    assert debrief["record"]["fields"]["candidate_name"]["value"] == "Ren\u00e9e Price"
    model.script = [[update("strengths", "strong on SQL", "strong on SQL")]]
    sent = "strong on SQL\u202e, keen\u200d"
    turn = client.post(f"/debriefs/{debrief['id']}/messages", json={"text": sent}, headers=auth)
    assert turn.status_code == 200
    stored = client.get(f"/debriefs/{debrief['id']}", headers=auth).json()["transcript"][1]["text"]
    assert stored == "strong on SQL, keen"
    # Query strings too: the search is for the plain word.
    service.playbook.ingest()
    found = client.get("/playbook/search", params={"q": "Pri\u200bce"}, headers=auth)
    assert found.status_code == 200 and found.json()["query"] == "Price"
    # The web page shows no direction control even for text stored before inputs were cleaned.
    assert service.dev_key
    recruiter = service.keys.authenticate(service.dev_key)
    old = service.debriefs.open(recruiter.id, "candidate", {"candidate_name": "Ana\u202e Lima"})
    signed_in(client, service.dev_key)
    html = client.get(f"/app/debriefs/{old.id}", headers=PAGE).text
    assert "\u202e" not in html and "Ana Lima" in html
