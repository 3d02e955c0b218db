"""Schema changes as Alembic revisions (assistant/storage/migrations/versions/), applied at start-up.

A database made before migrations existed has Debrief's tables but no `alembic_version`: the tables and
columns it lacks are added (as start-up did before migrations), which makes it the schema of the newest
revision, and it is stamped with that revision. Every later change is a revision of its own.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from assistant.storage.ats_rows import AtsLinkRow
from assistant.storage.store import Base, add_missing_columns

# The hand-off's tables are defined in a module of their own; importing it registers them with Base.
assert AtsLinkRow.__table__ is not None

# Any fixed number, the same in every process: the key of the PostgreSQL advisory lock held while the
# schema is migrated. Workers starting at the same moment would otherwise each find the tables missing and
# create them, and the slower one would fail on PostgreSQL's unique type names.
SCHEMA_LOCK_KEY = 0x64656272


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("assistant.storage") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the database to the newest revision; safe to run in several processes at once."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        tables = set(inspect(connection).get_table_names())
        config = _config(connection)
        if "alembic_version" not in tables and tables & set(Base.metadata.tables):
            add_missing_columns(connection)
            command.stamp(config, "head")
        else:
            command.upgrade(config, "head")
