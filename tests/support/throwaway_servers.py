"""Real PostgreSQL and Chroma servers on loopback ports, started for a test and removed after it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
NO_POSTGRES = "no PostgreSQL server binaries (apt-get install postgresql); .ci/run installs them"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_available() -> bool:
    return PG_BIN is not None and shutil.which("runuser") is not None


def _as_postgres(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A fresh cluster (trust authentication, loopback only); yields its SQLAlchemy URL."""
    assert PG_BIN is not None, NO_POSTGRES
    data = Path(tempfile.mkdtemp(prefix="debrief-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = free_port()
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


def chroma_binary() -> Path | None:
    beside = Path(sys.executable).parent / "chroma"
    if beside.exists():
        return beside
    found = shutil.which("chroma")
    return Path(found) if found else None


@contextmanager
def chroma_server(workdir: Path) -> Iterator[str]:
    """`chroma run` on a free loopback port, its data and log in `workdir`; yields its URL."""
    binary = chroma_binary()
    assert binary is not None, "no chroma command (pip install chromadb)"
    port = free_port()
    log_path = workdir / "chroma.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [str(binary), "run", "--path", str(workdir / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
