"""Read queries for export, charts and browsing: the SELECTs kept beside the storage module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterator

import sqlite_utils

from ingest.store import database_path, open_db

# The order the export writes a cell's fields in; every reader of `cells` relies on these names.
CELL_FIELDS = (
    "body",
    "year",
    "table_no",
    "row_path",
    "column_label",
    "value",
    "unit",
    "raw",
    "report_id",
    "source_file",
)


@dataclass(frozen=True)
class Body:
    id: int
    name: str
    short_name: str
    names: tuple[str, ...]  # every name a report printed for it


def open_existing(data_dir: Path) -> sqlite_utils.Database | None:
    """The data dir's database, or None when nothing was ever ingested there (nothing is created)."""
    if not database_path(data_dir).exists():
        return None
    return open_db(data_dir)


def bodies(db: sqlite_utils.Database) -> list[Body]:
    """Every body held, with the names its reports printed, by name."""
    printed: dict[int, list[str]] = {}
    for body_id, name in db.execute("SELECT body_id, name FROM body_names ORDER BY name").fetchall():
        printed.setdefault(body_id, []).append(name)
    return [
        Body(body_id, name, short, tuple(printed.get(body_id, ())))
        for body_id, name, short in db.execute("SELECT id, name, short_name FROM bodies ORDER BY name").fetchall()
    ]


def report_count(db: sqlite_utils.Database) -> int:
    """How many reports are held."""
    return db.execute("SELECT count(*) FROM reports").fetchone()[0]


def cells(
    db: sqlite_utils.Database, body_ids: Collection[int] | None = None, year: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every stored cell with its report, by body, year, table, then in published order."""
    where, params = [], []
    if body_ids is not None:
        where.append(f"r.body_id IN ({', '.join('?' * len(body_ids))})")
        params.extend(body_ids)
    if year is not None:
        where.append("r.year = ?")
        params.append(year)
    sql = (
        "SELECT r.body, r.year, f.table_no, f.row_path, f.column_label, f.value, f.unit, f.raw, "
        "r.id AS report_id, r.source_file "
        "FROM figures f JOIN reports r ON r.id = f.report_id "
        + (f"WHERE {' AND '.join(where)} " if where else "")
        # rowid is the order the cells were stored in, which is the order the report prints them.
        + "ORDER BY r.body, r.year, f.table_no, f.rowid"
    )
    cursor = db.execute(sql, params)
    for row in cursor:
        yield dict(zip(CELL_FIELDS, row))


def figure_series(
    db: sqlite_utils.Database,
    table_no: int,
    row_key: str,
    column_key: str,
    *,
    body_id: int | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """One cell over the reports held, as series rows ({report, value, unit, raw}), by year then body."""
    where, params = ["f.table_no = ?", "f.row_key = ?", "f.column_key = ?"], [table_no, row_key, column_key]
    if body_id is not None:
        where.append("r.body_id = ?")
        params.append(body_id)
    if year is not None:
        where.append("r.year = ?")
        params.append(year)
    rows = db.execute(
        "SELECT r.id, r.body, r.year, r.title, f.value, f.unit, f.raw, f.row_path, f.column_label "
        "FROM figures f JOIN reports r ON r.id = f.report_id "
        f"WHERE {' AND '.join(where)} ORDER BY r.year, r.body",
        params,
    ).fetchall()
    return [
        {
            "report": {"id": rid, "body": body, "year": yr, "title": title},
            "value": value,
            "unit": unit,
            "raw": raw,
            "row_path": row_path,
            "column_label": column_label,
        }
        for rid, body, yr, title, value, unit, raw, row_path, column_label in rows
    ]
