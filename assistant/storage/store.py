"""Persistence: recruiters, debriefs, their transcripts and interviews, in SQLite by default or any SQLAlchemy URL."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool
from sqlalchemy.schema import CreateColumn

# The execution option that marks a read-only session's connection (see Store.reading).
READING = "debrief_reading"
# Connections kept open to an SQLite file: one for each thread that may hold a session at once (the
# server's 40 worker threads, and a few background ones). Fewer would close and reopen connections all
# the time under load (each reopening runs the pragmas below again); more than this may still be opened.
SQLITE_POOL_SIZE = 48
# Seconds a write waits for another to finish before it fails with "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30.0


def _now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; everything stored here is UTC, so say so (an
    ISO time without an offset is not an RFC 3339 date-time, and clients would read it as local time)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class RecruiterRow(Base):
    __tablename__ = "recruiters"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DebriefRow(Base):
    __tablename__ = "debriefs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    recruiter_id: Mapped[str] = mapped_column(ForeignKey("recruiters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Flow state: the topic last asked and the topics already answered.
    flow_state: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Bumped on every write, so a client can say which state its edit was based on (ETag / If-Match).
    # A server default, so the column can be added to a database made before it existed.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    messages: Mapped[list[MessageRow]] = relationship(
        back_populates="debrief", cascade="all, delete-orphan", order_by="MessageRow.seq"
    )
    guidance: Mapped[list[GuidanceRow]] = relationship(
        cascade="all, delete-orphan", order_by="GuidanceRow.id"
    )


class MessageRow(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    debrief_id: Mapped[str] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # recruiter | assistant
    text: Mapped[str] = mapped_column(Text)
    # recruiter messages: "pending" until the model has read them, then "done".
    status: Mapped[str] = mapped_column(String(16), default="done")
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    debrief: Mapped[DebriefRow] = relationship(back_populates="messages")


class GuidanceRow(Base):
    """Playbook advice shown in a debrief. A table of its own (not a column) so that create_all adds it
    to an existing database too, and so each entry is shown once per debrief."""

    __tablename__ = "guidance"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    debrief_id: Mapped[str] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    # The recruiter message after which it was shown.
    message_seq: Mapped[int] = mapped_column(Integer)
    collection: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    heading: Mapped[str] = mapped_column(String(300))
    file: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DraftRow(Base):
    """A draft written for a debrief: its versions, its state and the recruiter who decided on it."""

    __tablename__ = "drafts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    debrief_id: Mapped[str] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | edited | approved | discarded
    # Who wrote version 1: the model's name, or "template" when the fallback wrote it.
    author: Mapped[str] = mapped_column(String(200))
    prompt_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    prompt_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    instructions: Mapped[str | None] = mapped_column(Text, nullable=True)
    original_spec: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What the recruiter must know about how the draft was written (left-out remarks, fallback, ...).
    notices: Mapped[list[str]] = mapped_column(JSON, default=list)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    versions: Mapped[list[DraftVersionRow]] = relationship(
        cascade="all, delete-orphan", order_by="DraftVersionRow.number"
    )


class DraftVersionRow(Base):
    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # "model", "template" or the id of the recruiter who edited it.
    author: Mapped[str] = mapped_column(String(200))
    # The checks of this version's text: grounding, lint and disclosure findings, job-spec redline.
    review: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditRow(Base):
    """One event in a debrief's hash-chained audit log. No foreign key to the debrief: the log must
    outlive an erased debrief (with its personal details removed)."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("debrief_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    debrief_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    # ISO text, not a DateTime: the hash covers it, and it must read back byte for byte on every database.
    at: Mapped[str] = mapped_column(String(40))
    recruiter_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(40))
    draft_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The chain covers the details' hash, not the details: erasing a candidate's data empties the
    # details (they hold draft text) and leaves the chain verifiable.
    details_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class InterviewRow(Base):
    """One meeting between a candidate and a client; its debriefs are linked through InterviewDebriefRow."""

    __tablename__ = "interviews"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    recruiter_id: Mapped[str] = mapped_column(ForeignKey("recruiters.id"), index=True)
    candidate_name: Mapped[str] = mapped_column(String(300))
    role_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    company: Mapped[str | None] = mapped_column(String(300), nullable=True)
    stage: Mapped[str | None] = mapped_column(String(100), nullable=True)
    held_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    debriefs: Mapped[list[InterviewDebriefRow]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", order_by="InterviewDebriefRow.side"
    )


class InterviewDebriefRow(Base):
    """Links a debrief to its interview. A table of its own rather than a column on debriefs, so that
    create_all adds it to an existing database. The keys hold the rules: one debrief per side of an
    interview, and a debrief in at most one interview."""

    __tablename__ = "interview_debriefs"
    __table_args__ = (UniqueConstraint("debrief_id", name="uq_interview_debriefs_debrief"),)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True)
    side: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Erasing a debrief erases its link too, so the interview shows that side as missing again.
    debrief_id: Mapped[str] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    interview: Mapped[InterviewRow] = relationship(back_populates="debriefs")
    debrief: Mapped[DebriefRow] = relationship()


class LegalHoldRow(Base):
    """A debrief kept from erasure (retention, a candidate's erasure request, DELETE) while a legal claim
    needs it. A table of its own rather than a column on debriefs, so create_all adds it to an existing
    database; the row's presence is the hold."""

    __tablename__ = "legal_holds"
    debrief_id: Mapped[str] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"), primary_key=True)
    recruiter_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SignInRow(Base):
    """A web sign-in that has not ended. The session cookie names it (by a random id whose SHA-256 is kept
    here); signing out deletes the row, so a copy of the cookie opens nothing afterwards."""

    __tablename__ = "sign_ins"
    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    recruiter_id: Mapped[str] = mapped_column(String(36), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IdempotencyRow(Base):
    """The first answer to a request sent with an Idempotency-Key, replayed when the same request comes
    again. Keyed by recruiter too: one recruiter's key never reaches another's answer."""

    __tablename__ = "idempotency_keys"
    recruiter_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # SHA-256 of method, path and body: the same key sent with another request is refused.
    request_sha256: Mapped[str] = mapped_column(String(64))
    # The debrief the request was about, so erasing the debrief erases the answers that quote it.
    debrief_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    state: Mapped[str] = mapped_column(String(16))  # running | done
    # Who is running it; a takeover after a crash changes it, so a late finisher cannot overwrite.
    token: Mapped[str] = mapped_column(String(36))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[Any] = mapped_column(JSON, nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def add_missing_columns(bind: Connection | Engine) -> list[str]:
    """Bring a database made before migrations existed up to the baseline revision: create_all makes the
    missing tables, and the columns an earlier version lacked are added (only nullable ones or ones with a
    server default can be). Returns "table.column" for each one added."""
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            return add_missing_columns(connection)
    connection = bind
    Base.metadata.create_all(connection)
    added = []
    for table in Base.metadata.sorted_tables:
        present = {c["name"] for c in inspect(connection).get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable and column.server_default is None:
                raise RuntimeError(f"{table.name}.{column.name} needs a server default to be added to a filled table")
            ddl = CreateColumn(column).compile(dialect=connection.dialect)
            connection.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {ddl}")
            added.append(f"{table.name}.{column.name}")
    return added


def make_engine(url: str, sqlite_sync: str = "normal") -> Engine:
    """`sqlite_sync` is SQLite's `synchronous` in WAL mode, `normal` or `full` (see DEBRIEF_SQLITE_SYNC)."""
    if sqlite_sync not in ("normal", "full"):
        raise ValueError(f"sqlite_sync is normal or full, not {sqlite_sync!r}")
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        in_memory = path in ("", ":memory:") or url in ("sqlite://", "sqlite:///:memory:")
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            _owner_only(Path(path))
        pooling: dict[str, Any] = (
            {"poolclass": StaticPool} if in_memory
            # No limit on overflow: a connection to a file costs no server anything, and a thread must
            # never wait for one (that would be one more queue in front of the write lock).
            else {"poolclass": QueuePool, "pool_size": SQLITE_POOL_SIZE, "max_overflow": -1}
        )
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}, **pooling
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" below open transactions, instead of the driver's deferred BEGIN.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                # WAL: readers never wait for the writer. An acknowledged turn survives a crash of the
                # process either way; `full` also waits for the disk, for a power cut.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute(f"PRAGMA synchronous={sqlite_sync.upper()}")
            # Erased debriefs are overwritten on disk, not just unlinked from the b-tree.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            if connection.get_execution_options().get(READING):
                # Only reads: in WAL mode a deferred transaction reads a snapshot and never waits for the
                # write lock, nor makes a writer wait.
                connection.exec_driver_sql("BEGIN")
                return
            # A deferred transaction that reads and then writes fails at once with "database is locked"
            # when another writer got there first; taking the write lock up front makes it wait instead.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def _owner_only(database: Path) -> None:
    """The database holds candidates' personal data: readable by its owner only, like the session secret.
    SQLite gives the -wal and -shm files the mode of the database file, so creating that one 0600 (and
    narrowing files an earlier version left 0644) covers all three."""
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except PermissionError:
            pass  # someone else's file: SQLite will say so if it cannot be used


class _Writer:
    """The turn to write to an SQLite database, for the threads of this process. Waiting is bounded by
    the same busy timeout as SQLite's own lock and fails the same way, so a thread that waits for one
    holding a write session never hangs. Reentrant: a write session opened inside another on the same
    thread goes on to SQLite's lock and fails there, as it did before this queue."""

    def __init__(self, timeout_s: float = SQLITE_BUSY_TIMEOUT_S) -> None:
        self._lock = threading.RLock()
        self._timeout_s = timeout_s

    def __enter__(self) -> None:
        if not self._lock.acquire(timeout=self._timeout_s):
            raise OperationalError("waiting for the write lock", None, Exception("database is locked"))

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class Store:
    def __init__(self, url: str, sqlite_sync: str = "normal") -> None:
        # Imported here: the migrations read the tables this module defines.
        from assistant.storage.migrations import migrate

        self.engine = make_engine(url, sqlite_sync)
        # An in-memory SQLite database is one connection shared by every thread: work must stay on one.
        self.in_memory = isinstance(self.engine.pool, StaticPool)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Nothing is flushed by a query: a change in a reading session is refused at its end instead.
        self._readings = sessionmaker(
            self.engine.execution_options(**{READING: True}), expire_on_commit=False, autoflush=False
        )
        # SQLite has one writer at a time. Threads of this process queue for it here, and the next one
        # starts as soon as the last commits, instead of each polling the file lock from SQLite's busy
        # handler (sleeps that grow to 100 ms while the lock may stand free). Other processes are still
        # kept out by the file lock itself.
        self._writer = _Writer() if self.engine.dialect.name == "sqlite" else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that may write. On SQLite it holds the database's write lock from its first
        statement to its commit, so keep work that needs no lock out of it."""
        with self._writer or nullcontext(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it never takes nor waits for the write lock, and sees
        the database as it was at its first read. Rows it loads stay readable after it ends. A change made
        in it is an error, never written."""
        # The one connection of an in-memory database takes one transaction at a time, whatever the
        # thread (the terminal's background pass reads while the next turn writes).
        shared = self._writer if self.in_memory else None
        with shared or nullcontext(), self._readings() as session, session.begin():
            yield session
            if session.new or session.dirty or session.deleted:
                raise RuntimeError("a reading session changed rows: use Store.session to write")

    def forget_erased(self) -> None:
        """After an erasure. In WAL mode SQLite writes every change to the -wal file beside the database
        and copies it back at a checkpoint; until then the erased rows' earlier pages stay readable in that
        file (secure_delete only zeroes the main file). Checkpoint everything and truncate the file to
        nothing. A no-op for other databases."""
        if self.engine.dialect.name != "sqlite":
            return
        connection = self.engine.raw_connection()
        try:
            # The connection runs in autocommit (see make_engine), so this runs outside any transaction;
            # it waits (the busy timeout) for readers of older snapshots to finish.
            cursor = connection.cursor()
            for _ in range(100):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = (cursor.fetchone() or (0,))[0]  # (busy, frames in the WAL, frames copied)
                if not busy:
                    return
                time.sleep(0.05)
        finally:
            connection.close()

    def recruiter_by_key_hash(self, key_sha256: str) -> RecruiterRow | None:
        with self.reading() as s:
            return s.scalar(select(RecruiterRow).where(RecruiterRow.key_sha256 == key_sha256))

    def count_recruiters(self) -> int:
        with self.reading() as s:
            return len(s.scalars(select(RecruiterRow.id)).all())

    def upsert_recruiter(self, name: str, key_sha256: str) -> RecruiterRow:
        try:
            return self._upsert_recruiter(name, key_sha256)
        except IntegrityError:
            # Workers starting together with the same DEBRIEF_API_KEYS: another one inserted this name
            # between our look-up and our insert. The name is there now, so this time it is an update.
            return self._upsert_recruiter(name, key_sha256)

    def _upsert_recruiter(self, name: str, key_sha256: str) -> RecruiterRow:
        with self.session() as s:
            row = s.scalar(select(RecruiterRow).where(RecruiterRow.name == name))
            if row is None:
                row = RecruiterRow(name=name, key_sha256=key_sha256)
                s.add(row)
            else:
                row.key_sha256 = key_sha256
            s.flush()
            return row
