"""Interviews over HTTP: both sides' debriefs of one meeting, their status, reconciliation, and who may see them."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from assistant.service import Service
from assistant.storage.store import InterviewDebriefRow, InterviewRow, RecruiterRow, Store
from tests.support.fakes import ScriptedChatModel, update


def _interview(client: TestClient, auth: dict[str, str], **body: str) -> dict:
    payload = {"candidate_name": "Marcus Ibe", "role_title": "Engineering Lead", "company": "Brightloop",
               "stage": "first round", "date": "2026-04-14", **body}
    response = client.post("/interviews", json=payload, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def _open(client: TestClient, auth: dict[str, str], kind: str, interview_id: str | None = None) -> dict:
    body = {"kind": kind} if interview_id is None else {"kind": kind, "interview_id": interview_id}
    response = client.post("/debriefs", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def _say(client: TestClient, auth: dict[str, str], debrief_id: str, text: str) -> None:
    response = client.post(f"/debriefs/{debrief_id}/messages", json={"text": text}, headers=auth)
    assert response.status_code == 200, response.text


def test_an_interview_collects_both_sides_and_shows_their_status(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    created = _interview(client, auth)
    assert created["date"] == "2026-04-14"
    assert created["candidate"]["present"] is False and created["client"]["present"] is False

    cand = _open(client, auth, "candidate", created["id"])
    # The interview fills the debrief's form fields, so the recruiter is not asked who it was again.
    assert cand["record"]["fields"]["candidate_name"]["value"] == "Marcus Ibe"
    assert cand["record"]["fields"]["company"]["source"] == "form"
    model.script = [[update("candidate_interest", "5", "5/5")], [update("decision", "reject", "it's a no")]]
    _say(client, auth, cand["id"], "he's 5/5, loved it")
    half = client.get(f"/interviews/{created['id']}", headers=auth).json()
    assert half["candidate"]["present"] is True and half["candidate"]["debrief_id"] == cand["id"]
    assert half["candidate"]["candidate_interest"] == 5 and half["candidate"]["completeness"] > 0
    assert half["client"] == {"present": False, "debrief_id": None, "completeness": None, "decision": None,
                              "candidate_interest": None}

    cli = _open(client, auth, "client", created["id"])
    _say(client, auth, cli["id"], "brightloop came back, it's a no")
    listed = client.get("/interviews", headers=auth).json()
    assert [i["id"] for i in listed] == [created["id"]]
    assert listed[0]["client"]["present"] is True and listed[0]["client"]["decision"] == "reject"
    assert listed[0]["candidate"]["present"] is True


def test_a_second_debrief_of_the_same_side_is_refused_and_leaves_nothing_behind(
    client: TestClient, auth: dict[str, str]
) -> None:
    interview = _interview(client, auth)
    first = _open(client, auth, "candidate", interview["id"])
    again = client.post("/debriefs", json={"kind": "candidate", "interview_id": interview["id"]}, headers=auth)
    assert again.status_code == 422 and "already has a candidate debrief" in again.json()["detail"]
    assert [d["id"] for d in client.get("/debriefs", headers=auth).json()] == [first["id"]]

    loose = _open(client, auth, "candidate")
    attach = client.post(f"/interviews/{interview['id']}/debriefs", json={"debrief_id": loose["id"]}, headers=auth)
    assert attach.status_code == 422
    # The other side is still free, and an existing debrief can be put there.
    other = _open(client, auth, "client")
    attached = client.post(f"/interviews/{interview['id']}/debriefs", json={"debrief_id": other["id"]}, headers=auth)
    assert attached.status_code == 200 and attached.json()["client"]["debrief_id"] == other["id"]
    # ...but one debrief cannot be in two interviews.
    second = _interview(client, auth, candidate_name="Someone Else")
    moved = client.post(f"/interviews/{second['id']}/debriefs", json={"debrief_id": other["id"]}, headers=auth)
    assert moved.status_code == 422


def test_erasing_a_debrief_frees_its_side_of_the_interview(client: TestClient, auth: dict[str, str]) -> None:
    interview = _interview(client, auth)
    cand = _open(client, auth, "candidate", interview["id"])
    assert client.delete(f"/debriefs/{cand['id']}", headers=auth).status_code == 204
    assert client.get(f"/interviews/{interview['id']}", headers=auth).json()["candidate"]["present"] is False
    _open(client, auth, "candidate", interview["id"])


def test_reconciliation_names_the_missing_side_then_the_mismatches(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    interview = _interview(client, auth)
    url = f"/interviews/{interview['id']}/reconciliation"
    empty = client.get(url, headers=auth).json()
    assert empty["missing_side"] == "both" and empty["mismatches"] == []

    cand = _open(client, auth, "candidate", interview["id"])
    model.script = [
        [update("candidate_interest", "5", "keen, 5/5"),
         update("next_steps", "expects second round", "expects a second round")],
        [update("decision", "reject", "it's a no")],
    ]
    _say(client, auth, cand["id"], "keen, 5/5 and expects a second round this week")
    one_side = client.get(url, headers=auth).json()
    assert one_side["missing_side"] == "client" and one_side["mismatches"] == []

    cli = _open(client, auth, "client", interview["id"])
    _say(client, auth, cli["id"], "brightloop: it's a no")
    both = client.get(url, headers=auth).json()
    assert both["missing_side"] is None
    assert {(m["kind"], m["field"]) for m in both["mismatches"]} == {
        ("interest_vs_decision", "decision"), ("next_steps_conflict", "next_steps"),
    }
    assert both["by_field"] == {"decision": ["interest_vs_decision"], "next_steps": ["next_steps_conflict"]}
    interest = next(m for m in both["mismatches"] if m["kind"] == "interest_vs_decision")
    assert {(e["side"], tuple(e["quotes"])) for e in interest["evidence"]} == {
        ("candidate", ("keen, 5/5",)), ("client", ("it's a no",)),
    }
    assert interest["severity"] == "high" and interest["summary"]


def test_a_recruiter_cannot_see_or_use_another_recruiters_interview(
    client: TestClient, auth: dict[str, str], service: Service
) -> None:
    mine = _interview(client, auth)
    my_debrief = _open(client, auth, "client")
    bob = {"Authorization": f"Bearer {service.keys.add('bob')}"}
    bobs_debrief = _open(client, bob, "candidate")

    assert client.get(f"/interviews/{mine['id']}", headers=bob).status_code == 404
    assert client.get(f"/interviews/{mine['id']}/reconciliation", headers=bob).status_code == 404
    assert client.get("/interviews", headers=bob).json() == []
    intrude = client.post("/debriefs", json={"kind": "candidate", "interview_id": mine["id"]}, headers=bob)
    assert intrude.status_code == 404
    assert client.post(f"/interviews/{mine['id']}/debriefs", json={"debrief_id": bobs_debrief["id"]},
                       headers=bob).status_code == 404
    # Nor can an interview pull in someone else's debrief: it is "not found", like any unknown id.
    theirs = client.post(f"/interviews/{mine['id']}/debriefs", json={"debrief_id": bobs_debrief["id"]}, headers=auth)
    assert theirs.status_code == 404
    bobs_interview = _interview(client, bob)
    assert client.post(f"/interviews/{bobs_interview['id']}/debriefs", json={"debrief_id": my_debrief["id"]},
                       headers=bob).status_code == 404

    # Bob's refused attempts left no debrief of his in the interview and no stray one behind.
    got = client.get(f"/interviews/{mine['id']}", headers=auth).json()
    assert got["candidate"]["present"] is False and got["client"]["present"] is False
    assert [d["id"] for d in client.get("/debriefs", headers=bob).json()] == [bobs_debrief["id"]]


def test_bad_interview_input_gets_a_4xx(client: TestClient, auth: dict[str, str]) -> None:
    assert client.post("/interviews", json={"candidate_name": ""}, headers=auth).status_code == 422
    assert client.post("/interviews", json={"candidate_name": "   "}, headers=auth).status_code == 422
    assert client.post("/interviews", json={"candidate_name": "A", "date": "next tuesday"},
                       headers=auth).status_code == 422
    assert client.post("/interviews", json={"candidate_name": "A"}).status_code == 401
    unknown = client.post("/debriefs", json={"kind": "client", "interview_id": "no-such-id"}, headers=auth)
    assert unknown.status_code == 404
    assert client.get("/debriefs", headers=auth).json() == []
    assert client.get("/interviews/no-such-id", headers=auth).status_code == 404


def test_an_existing_database_gains_the_interview_tables(tmp_path: Path) -> None:
    """Interviews live in new tables only, so a database from before them needs no migration."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    InterviewDebriefRow.__table__.drop(old.engine)  # type: ignore[attr-defined]
    InterviewRow.__table__.drop(old.engine)  # type: ignore[attr-defined]
    # A database from before interviews is also one from before migrations: no version table.
    with old.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    old.upsert_recruiter("alice", "a" * 64)
    old.engine.dispose()
    assert "interviews" not in inspect(old.engine).get_table_names()

    reopened = Store(url)
    assert {"interviews", "interview_debriefs"} <= set(inspect(reopened.engine).get_table_names())
    with reopened.session() as s:
        assert s.scalars(select(RecruiterRow.name)).all() == ["alice"]
    reopened.engine.dispose()


def test_requirement_drift_lists_each_interviews_changes_in_date_order(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    def interview(day: str, change: str) -> None:
        made = client.post("/interviews", json={"candidate_name": f"Candidate {day}", "company": "Halcyon",
                                                "role_title": "Platform Engineer", "date": day}, headers=auth)
        debrief = client.post("/debriefs", json={"kind": "client", "interview_id": made.json()["id"]},
                              headers=auth).json()["id"]
        model.script = [[update("requirement_changes", "", change), update("decision", "reject", "a no")]]
        model._iterator = None
        client.post(f"/debriefs/{debrief}/messages", json={"text": f"a no. {change}"}, headers=auth)

    interview("2026-03-10", "now wants Kubernetes in production")
    interview("2026-02-01", "wants on-call experience")
    client.post("/interviews", json={"candidate_name": "Other", "company": "Halcyon", "role_title": "Designer"},
                headers=auth)
    drift = client.get("/interviews/drift", params={"company": "halcyon", "role_title": "platform  engineer"},
                       headers=auth)
    assert drift.status_code == 200, drift.text
    assert [(d["held_on"], d["change"], d["decision"], d["side"]) for d in drift.json()] == [
        ("2026-02-01", "wants on-call experience", "reject", "client"),
        ("2026-03-10", "now wants Kubernetes in production", "reject", "client"),
    ]
    assert client.get("/interviews/drift", params={"company": "", "role_title": "x"}, headers=auth).status_code == 422


def _finish(client: TestClient, auth: dict[str, str], debrief_id: str) -> str:
    """Answer the flow's questions with nothing new until it has none left; the last reply."""
    for _ in range(15):
        response = client.post(f"/debriefs/{debrief_id}/messages", json={"text": "nothing more on that"},
                               headers=auth)
        assert response.status_code == 200, response.text
        reply = response.json()["reply"]
        if "Both sides are in" in reply or "?" not in reply.splitlines()[-1]:
            return str(reply)
    raise AssertionError("the flow never finished")


def test_when_the_second_debrief_completes_the_chat_shows_where_the_sides_disagree(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    interview = _interview(client, auth, candidate_name="Sam Patel", company="Halcyon")["id"]
    candidate = _open(client, auth, "candidate", interview)["id"]
    client_side = _open(client, auth, "client", interview)["id"]
    model.script = [[update("candidate_interest", "5", "keen, 5/5")], [update("decision", "reject", "a no")]]
    client.post(f"/debriefs/{candidate}/messages", json={"text": "keen, 5/5"}, headers=auth)
    client.post(f"/debriefs/{client_side}/messages", json={"text": "a no"}, headers=auth)
    _finish(client, auth, candidate)
    last = _finish(client, auth, client_side)
    assert "Both sides are in. Where they disagree" in last and "keen" in last.lower()
    assert f"/interviews/{interview}/reconciliation" in last


def test_a_second_rejection_in_a_row_brings_a_dated_next_step(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel
) -> None:
    replies = []
    for day in ("2026-02-01", "2026-03-01"):
        interview = _interview(client, auth, candidate_name=f"Candidate {day}", company="Halcyon",
                               role_title="Platform Engineer", date=day)["id"]
        debrief = _open(client, auth, "client", interview)["id"]
        model.script = [[update("decision", "reject", "a no")]]
        model._iterator = None
        replies.append(client.post(f"/debriefs/{debrief}/messages", json={"text": "a no"}, headers=auth).json())
    assert "Suggested next step" not in replies[0]["reply"]
    assert "Suggested next step (a second rejection in a row): call the hiring manager" in replies[1]["reply"]
