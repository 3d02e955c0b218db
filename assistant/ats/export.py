"""Bulk export of a recruiter's own debriefs: one row per debrief, with every record field's value and the
quotes it rests on, as CSV (spreadsheets) or JSON lines (scripts)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, Literal

from sqlalchemy import select

from assistant.core import SIDES, InvalidInput, Record, record_field_names
from assistant.storage import DebriefRow, Store, as_utc

Format = Literal["csv", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "jsonl")
# Every field either side can have, in the order the flows ask them.
FIELDS: tuple[str, ...] = tuple(dict.fromkeys(name for side in SIDES for name in record_field_names(side)))
_PAGE = 200
# A cell starting with one of these is a formula to a spreadsheet; candidate words must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export(store: Store, recruiter_id: str, fmt: str) -> Iterator[str]:
    """The recruiter's debriefs, oldest first, as chunks of text in the format asked for."""
    if fmt not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    rows = _rows(store, recruiter_id)
    return _csv(rows) if fmt == "csv" else (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _rows(store: Store, recruiter_id: str) -> Iterator[dict[str, Any]]:
    """Page by page, so a large export never holds every debrief in memory."""
    after: tuple[Any, str] | None = None
    while True:
        with store.session() as s:
            query = (select(DebriefRow).where(DebriefRow.recruiter_id == recruiter_id)
                     .order_by(DebriefRow.created_at, DebriefRow.id).limit(_PAGE))
            if after is not None:
                query = query.where((DebriefRow.created_at > after[0])
                                    | ((DebriefRow.created_at == after[0]) & (DebriefRow.id > after[1])))
            page = list(s.scalars(query))
            found = [_row(r) for r in page]
            after = (page[-1].created_at, page[-1].id) if page else None
        yield from found
        if len(page) < _PAGE:
            return


def _row(row: DebriefRow) -> dict[str, Any]:
    record = Record.model_validate(row.record)
    return {
        "debrief_id": row.id, "side": row.kind, "created_at": as_utc(row.created_at).isoformat(),
        "updated_at": as_utc(row.updated_at).isoformat(), "completeness": record.completeness,
        "fields": {name: {"value": field.value, "quotes": list(field.evidence), "source": field.source}
                   for name, field in record.fields.items() if record.is_filled(name)},
    }


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["debrief_id", "side", "created_at", "updated_at", "completeness"]
    writer.writerow(header + [column for name in FIELDS for column in (name, f"{name}_quotes")])
    for row in rows:
        cells = [row[c] for c in header]
        for name in FIELDS:
            field = row["fields"].get(name)
            cells += ["", ""] if field is None else [_cell(field["value"]), _cell(field["quotes"])]
        writer.writerow([_safe(c) for c in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _safe(cell: Any) -> Any:
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell
