"""Crash safety of the outbox: a Debrief process killed with SIGKILL at each step between an approval and
its delivery, then a fresh worker on the same database.

- killed after the approval committed, before any worker ran: the restarted worker delivers the event
  exactly once;
- killed after claiming the delivery, before sending it: once the claim's lease has passed, the event is
  delivered exactly once;
- killed after sending, before recording that it was sent: the event is sent again (at least once), with
  the same `webhook-id`, which is what a receiver dedupes on;
- and the whole API process killed after an approval it had not yet delivered: delivered once after the
  restart, by its background worker.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.access.keys import new_key
from assistant.core import Settings
from assistant.service import Service
from tests.api.test_crash import API
from tests.ats.flows import add_endpoint, approve, debrief_with_draft
from tests.support.fakes import ScriptedChatModel
from tests.support.standard_webhooks import verify
from tests.support.throwaway_servers import free_port
from tests.support.webhook_receiver import Receiver, receiving

pytestmark = pytest.mark.subprocess
ROOT = Path(__file__).resolve().parents[2]
LEASE_S = 3.0


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "DEBRIEF_DATA_DIR": str(settings.storage.data_dir),
        "DEBRIEF_DATABASE_URL": settings.storage.resolved_database_url,
        "DEBRIEF_API_KEYS": "", "DEBRIEF_CREATE_DEV_KEY": "false", "DEBRIEF_EMBEDDER": "hash",
        "DEBRIEF_PLAYBOOK_AUTO_INGEST": "false", "DEBRIEF_ATS_ALLOW_PRIVATE_URLS": "true",
        "DEBRIEF_ATS_LEASE_S": str(LEASE_S), "DEBRIEF_ATS_RETRY_SCHEDULE_S": "[0.001]",
        # The killed process's own worker never gets the event: delivery is left to the restarted one.
        "DEBRIEF_ATS_DELIVER_IN_BACKGROUND": "false",
    }


def _run_until(settings: Settings, said: str, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "tests.ats.worker_process", *args], cwd=ROOT,
                               env=_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(said), f"{line!r}: {process.stderr.read() if process.stderr else ''}"
    return process


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL


def _deliver_from_the_command_line(settings: Settings) -> str:
    done = subprocess.run([sys.executable, "-m", "cli.main", "deliver"], cwd=ROOT, env=_env(settings),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _draft_and_endpoint(client: TestClient, auth: dict[str, str], model: ScriptedChatModel,
                        receiver: Receiver) -> tuple[str, str, str]:
    secret = add_endpoint(client, auth, receiver.url)["secret"]
    debrief_id, draft_id = debrief_with_draft(client, auth, model)
    return secret, debrief_id, draft_id


def test_killed_between_approval_and_delivery_the_event_is_delivered_exactly_once_after_restart(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver,
    settings: Settings,
) -> None:
    secret, debrief_id, draft_id = _draft_and_endpoint(client, auth, model, receiver)
    recruiter = service.keys.authenticate(auth["Authorization"].removeprefix("Bearer "))

    _kill(_run_until(settings, "approved", "approve", recruiter.id, debrief_id, draft_id))
    assert receiver.received == []
    assert client.get(f"/debriefs/{debrief_id}/drafts/{draft_id}", headers=auth).json()["status"] == "approved"

    assert '"webhooks": 1' in _deliver_from_the_command_line(settings)
    assert '"webhooks": 0' in _deliver_from_the_command_line(settings)
    [got] = receiver.received
    verify(secret, got.headers, got.body)


def test_killed_after_claiming_before_sending_the_event_is_delivered_exactly_once_after_the_lease(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver,
    settings: Settings,
) -> None:
    _, debrief_id, draft_id = _draft_and_endpoint(client, auth, model, receiver)
    approve(client, auth, debrief_id, draft_id)

    worker = _run_until(settings, "claimed 1", "claim")
    # Timed from the worker's report, not from its start: on a loaded machine its start-up alone can
    # outlast the lease, and the claim's lease runs from the claim.
    claimed_at = time.monotonic()
    _kill(worker)
    assert service.courier.deliver_once().webhooks == 0  # the dead worker's claim holds until its lease ends
    time.sleep(max(0.0, claimed_at + LEASE_S + 0.2 - time.monotonic()))
    assert '"webhooks": 1' in _deliver_from_the_command_line(settings)
    assert '"webhooks": 0' in _deliver_from_the_command_line(settings)
    assert len(receiver.received) == 1


def test_killed_after_sending_before_recording_the_event_is_sent_again_with_the_same_id(
    client: TestClient, auth: dict[str, str], model: ScriptedChatModel, service: Service, receiver: Receiver,
    settings: Settings,
) -> None:
    _, debrief_id, draft_id = _draft_and_endpoint(client, auth, model, receiver)
    approve(client, auth, debrief_id, draft_id)
    receiver.answering.clear()  # the receiver takes the request and holds its answer

    worker = _run_until(settings, "sending", "send")
    assert receiver.arrived.wait(30)
    _kill(worker)
    receiver.answering.set()
    time.sleep(LEASE_S + 0.2)
    assert '"webhooks": 1' in _deliver_from_the_command_line(settings)
    assert len(receiver.received) == 2 and len(set(receiver.ids())) == 1


def test_the_api_killed_after_an_approval_it_could_not_yet_deliver_delivers_it_once_after_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole service, as `debrief serve` runs it: uvicorn, the background worker woken by the approval.
    The receiver is down when the approval commits, so the worker can only fail and wait to retry; the API
    is killed then. Restarted with the receiver up, it delivers the event once."""
    monkeypatch.setenv("DEBRIEF_ATS_DELIVER_IN_BACKGROUND", "true")
    key = new_key()
    auth = {"Authorization": f"Bearer {key}"}
    port = free_port()
    # The model endpoint is down too: the draft is the template's, which is all this needs.
    api = API(tmp_path, "http://127.0.0.1:9/v1", key)
    api.env.update({"DEBRIEF_ATS_ALLOW_PRIVATE_URLS": "true", "DEBRIEF_ATS_RETRY_SCHEDULE_S": "[0.5, 0.5, 0.5]",
                    "DEBRIEF_ATS_POLL_INTERVAL_S": "0.2",
                    # Killed mid-attempt, the claim lapses well within the wait below.
                    "DEBRIEF_ATS_LEASE_S": "2"})
    api.start()
    try:
        secret = httpx.post(f"{api.url}/webhooks", json={"url": f"http://127.0.0.1:{port}/hooks"},
                            headers=auth).json()["secret"]
        debrief_id = httpx.post(f"{api.url}/debriefs", headers=auth, json={
            "kind": "client", "candidate_name": "Sam Patel", "company": "Halcyon"}).json()["id"]
        draft = httpx.post(f"{api.url}/debriefs/{debrief_id}/drafts", json={"type": "client_follow_up"},
                           headers=auth, timeout=60)
        assert draft.status_code == 201, draft.text
        approved = httpx.post(f"{api.url}/debriefs/{debrief_id}/drafts/{draft.json()['id']}/approve",
                              json={"override_reason": "reviewed by hand before sending"}, headers=auth)
        assert approved.status_code == 200, approved.text
        api.kill()
    finally:
        api.stop()

    with receiving(port) as receiver:
        api.start()
        try:
            deadline = time.monotonic() + 30
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2)  # room for a second delivery, were there to be one
        finally:
            api.stop()
        [got] = receiver.received
        verify(secret, got.headers, got.body)
        assert json.loads(got.body)["data"]["debrief_id"] == debrief_id
