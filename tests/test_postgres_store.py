"""The store on a real PostgreSQL server: a throwaway cluster on a loopback port, started by the test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.service import Service
from assistant.settings import Settings
from assistant.store import Store
from tests.fakes import ScriptedChatModel, update

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
# Set DEBRIEF_TEST_POSTGRES_URL to use an existing server instead of a throwaway cluster.
EXTERNAL = os.environ.get("DEBRIEF_TEST_POSTGRES_URL")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if EXTERNAL:
        yield EXTERNAL
        return
    if PG_BIN is None or shutil.which("runuser") is None:
        pytest.skip("no PostgreSQL server binaries (apt-get install postgresql); .ci/run installs them")
    data = Path(tempfile.mkdtemp(prefix="debrief-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = _free_port()
    subprocess.run(_as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "debrief", "-A", "trust"),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o",
                                f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "-w", "start",
                                "-l", str(data / "log")), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://debrief@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
                       capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_a_debrief_round_trips_through_postgres(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, api_keys="")
    model = ScriptedChatModel(script=[[update("candidate_interest", "4", "4/5")]])
    service = Service(settings, model=model).start()
    recruiter = service.keys.authenticate(service.keys.add("pg"))
    debrief = service.debriefs.open(recruiter.id, "candidate", {"candidate_name": "Ana"})
    service.debriefs.post_message(recruiter.id, debrief.id, "she's a 4/5")
    service.stop()

    # A new process's view: only what was committed.
    reopened = Service(settings, model=model, store=Store(postgres_url)).start()
    stored = reopened.debriefs.get(recruiter.id, debrief.id)
    assert stored.record.value("candidate_interest") == 4
    assert [m.role for m in stored.transcript] == ["assistant", "recruiter", "assistant"]
    reopened.debriefs.delete(recruiter.id, debrief.id)
    assert reopened.debriefs.list(recruiter.id) == []
    reopened.stop()
