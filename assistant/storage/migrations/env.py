"""Alembic's entry point: Debrief runs migrations on a connection it already holds (see migrations.py),
under the lock that keeps workers starting together from migrating twice."""

from alembic import context

from assistant.storage.store import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    # SQLite alters a table by copying it; batch mode does that for the operations that need it.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
