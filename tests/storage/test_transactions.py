"""Which transactions the store opens: reads that never take SQLite's write lock, writes that queue for it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.core.settings import Settings
from assistant.service import Service
from assistant.storage.store import RecruiterRow, Store
from tests.support.fakes import ScriptedChatModel
from tests.support.transactions import Begins


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.engine.dispose()


def test_a_reading_session_runs_while_another_process_holds_the_write_lock(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        s.add(RecruiterRow(name="Ana", key_sha256="a" * 64))
    other = sqlite3.connect(tmp_path / "store.db", timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        found = store.recruiter_by_key_hash("a" * 64)
        with store.reading() as s:
            names = s.scalars(select(RecruiterRow.name)).all()
        waited = time.perf_counter() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert found is not None and found.name == "Ana"
    assert names == ["Ana"]
    # A read that queued for the lock would wait for the other process's transaction (the busy timeout).
    assert waited < 5


def test_a_reading_session_refuses_a_change_and_writes_nothing(store: Store) -> None:
    begins = Begins(store)
    with pytest.raises(RuntimeError, match="reading session"), store.reading() as s:
        s.add(RecruiterRow(name="Bo", key_sha256="b" * 64))
    assert begins.writes == 0
    with store.reading() as s:
        assert s.scalars(select(RecruiterRow)).all() == []


def test_write_sessions_of_many_threads_all_commit(store: Store) -> None:
    """Writers of one process queue for SQLite's lock in turn; none fails with "database is locked"."""
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                with store.session() as s:
                    s.add(RecruiterRow(name=f"r{n}-{i}", key_sha256=f"{n:032d}{i:032d}"))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.count_recruiters() == 60


def _synchronous(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA synchronous").scalar_one())


def test_sqlite_commits_without_waiting_for_the_disk_unless_told_to(tmp_path: Path) -> None:
    # SQLite's numbers: 1 is NORMAL, 2 is FULL.
    assert _synchronous(Store(f"sqlite:///{tmp_path / 'normal.db'}")) == 1
    settings = Settings(storage={"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'full.db'}",
                                 "sqlite_sync": "full"}, access={"api_keys": ""})
    assert _synchronous(Service(settings, model=ScriptedChatModel(script=[])).store) == 2
    with pytest.raises(ValueError, match="normal or full"):
        Store(f"sqlite:///{tmp_path / 'other.db'}", "off")


def test_an_in_memory_store_takes_one_transaction_at_a_time_whatever_the_thread() -> None:
    # The terminal's store: one connection for every thread. Its background pass reads while the next
    # turn writes; two transactions at once on that connection failed ("cannot start a transaction
    # within a transaction").
    store = Store("sqlite://")
    writing, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        with store.session() as s:
            s.add(RecruiterRow(name="Ana", key_sha256="a" * 64))
            writing.set()
            release.wait(10)

    def read(names: list[str]) -> None:
        try:
            with store.reading() as s:
                names.extend(s.scalars(select(RecruiterRow.name)).all())
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    assert writing.wait(10)
    names: list[str] = []
    reader = threading.Thread(target=read, args=(names,))
    reader.start()
    reader.join(0.3)
    waited = reader.is_alive()  # it waits for the write to end instead of failing
    release.set()
    writer.join(10)
    reader.join(10)
    store.engine.dispose()
    assert not errors and waited and names == ["Ana"]
