"""Counting the transactions a store opens, for tests that say which paths may take SQLite's write lock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from assistant.storage.store import Store


class Begins:
    """Counts the transactions a store opens, by kind, from the statements its connections send."""

    def __init__(self, store: Store) -> None:
        self.writes = 0
        self.reads = 0
        event.listen(store.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            self.writes += 1
        elif statement == "BEGIN":
            self.reads += 1
