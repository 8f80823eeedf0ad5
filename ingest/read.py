"""Every read of the database: what is held, its cells, series, findings; the one place for SELECTs."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterator

import sqlite_utils

from ingest.bodies import name_pattern, same_body
from ingest.database import database_path, open_db
from ingest.model import Finding, Number

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


@dataclass(frozen=True)
class HeldReport:
    """A stored report as `check` shows it: what was read, what was skipped, what does not add up."""

    id: str
    body: str
    year: int
    title: str
    format: str
    source_file: str
    cells: dict[int, int]  # table number → cells stored
    warnings: tuple[str, ...]
    findings: tuple[Finding, ...]


def held_reports(db: sqlite_utils.Database, report_ids: Collection[str] | None = None) -> list[HeldReport]:
    """The reports held (or those asked for), by body and year."""
    where = f"WHERE id IN ({', '.join('?' * len(report_ids))}) " if report_ids is not None else ""
    reports = db.execute(
        f"SELECT id, body, year, title, format, source_file FROM reports {where}ORDER BY body, year",
        list(report_ids or ()),
    ).fetchall()
    cells: dict[str, dict[int, int]] = {}
    for report_id, table, count in db.execute("SELECT report_id, table_no, count(*) FROM figures GROUP BY 1, 2"):
        cells.setdefault(report_id, {})[table] = count
    warnings: dict[str, list[str]] = {}
    for report_id, message in db.execute("SELECT report_id, message FROM warnings ORDER BY report_id, ordinal"):
        warnings.setdefault(report_id, []).append(message)
    findings: dict[str, list[Finding]] = {}
    for report_id, kind, message, detail in db.execute(
        "SELECT report_id, kind, message, detail FROM findings ORDER BY report_id, ordinal"
    ):
        findings.setdefault(report_id, []).append(Finding(kind, message, json.loads(detail)))
    return [
        HeldReport(
            rid, body, year, title, fmt, source, cells.get(rid, {}), tuple(warnings.get(rid, ())), tuple(findings.get(rid, ()))
        )
        for rid, body, year, title, fmt, source in reports
    ]


def body_of(db: sqlite_utils.Database, name: str) -> int | None:
    """The body held under a printed name (洪泽区人民政府 finds 淮安市洪泽区人民政府), or None."""
    row = db.execute("SELECT body_id FROM body_names WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    matches = [
        body_id
        for body_id, held in db.execute("SELECT id, name FROM bodies WHERE name LIKE ?", [name_pattern(name)])
        if same_body(held, name)
    ]
    return matches[0] if len(matches) == 1 else None


def previous_year(db: sqlite_utils.Database, body_id: int, year: int) -> tuple[str, dict] | None:
    """The body's report of the year before, if held: its format and its Table 3."""
    report_id = f"{body_id}-{year - 1}"
    row = db.execute("SELECT format FROM reports WHERE id = ?", [report_id]).fetchone()
    return (row[0], table3_cells(db, report_id)) if row else None


def table3_cells(db: sqlite_utils.Database, report_id: str) -> dict[tuple[str, str], Number | None]:
    """A stored report's Table 3 as {(row, column): value}."""
    rows = db.execute("SELECT row_key, column_key, value FROM figures WHERE report_id = ? AND table_no = 3", [report_id])
    return {(row, column): value for row, column, value in rows}


def list_reports(db: sqlite_utils.Database) -> list[dict]:
    """Every report held, with its warnings and findings, ordered by body and year."""
    reports = [
        dict(row)
        for row in db.query(
            "SELECT id, body, year, title, format, published, source_file, passage_count, figure_count, "
            "warning_count, finding_count FROM reports ORDER BY body, year"
        )
    ]
    for table, key in (("warnings", "warnings"), ("findings", "findings")):
        messages: dict[str, list[str]] = {}
        for row in db.query(f"SELECT report_id, message FROM {table} ORDER BY report_id, ordinal"):
            messages.setdefault(row["report_id"], []).append(row["message"])
        for report in reports:
            report[key] = messages.get(report["id"], [])
    return reports


def versions(db: sqlite_utils.Database, report_id: str) -> list[dict[str, Any]]:
    """Every reading of a report stored, oldest first."""
    return [dict(row) for row in db.query("SELECT * FROM report_versions WHERE report_id = ? ORDER BY version", [report_id])]


def current_version(db: sqlite_utils.Database, report_id: str) -> dict[str, Any] | None:
    """The reading of a report now held, or None when it is not held."""
    rows = list(db.query("SELECT * FROM report_versions WHERE report_id = ? AND state = 'current'", [report_id]))
    return rows[0] if rows else None


Connection = sqlite_utils.Database | sqlite3.Connection


def index_keys(db: Connection) -> dict[str, str]:
    """What identifies each held report's passages for the search index: its reading and their count.

    The index stores the keys it was built from; the two agree exactly when the index reflects
    the database."""
    rows = db.execute(
        "SELECT r.id, coalesce(v.reading, r.sha256), r.passage_count FROM reports r "
        "LEFT JOIN report_versions v ON v.report_id = r.id AND v.state = 'current'"
    )
    return {rid: f"{reading}:{count}" for rid, reading, count in rows}


def catalog(db: Connection) -> tuple[list[tuple], list[tuple[int, str, str]], list[tuple[int, str]]]:
    """What an answer engine loads: reports (id, body id, body, short name, year, format, title),
    bodies (id, name, short name) and every name printed for a body (body id, name)."""
    reports = db.execute(
        "SELECT r.id, r.body_id, r.body, b.short_name, r.year, r.format, r.title "
        "FROM reports r JOIN bodies b ON b.id = r.body_id ORDER BY r.body, r.year"
    ).fetchall()
    bodies_ = db.execute("SELECT id, name, short_name FROM bodies").fetchall()
    names = db.execute("SELECT body_id, name FROM body_names").fetchall()
    return reports, bodies_, names


# ---------------------------------------------------------------- what answers read


def stored_rows(db: Connection, report_id: str, table: int) -> set[str]:
    """The rows of a table a report has figures for."""
    rows = db.execute("SELECT DISTINCT row_key FROM figures WHERE report_id = ? AND table_no = ?", [report_id, table])
    return {row for (row,) in rows}


def cells_of(db: Connection, report_id: str, table: int, rows: Collection[str], column: str) -> dict[str, tuple]:
    """Row key → (row path, value, unit, raw as printed) of one column's cells."""
    found = db.execute(
        f"SELECT row_key, row_path, value, unit, raw FROM figures WHERE report_id = ? AND table_no = ? "
        f"AND column_key = ? AND row_key IN ({','.join('?' * len(rows))})",
        [report_id, table, column, *rows],
    )
    return {row: (path, value, unit, raw) for row, path, value, unit, raw in found}


def row_of(db: Connection, report_id: str, table: int, row: str) -> list[tuple[str, Number | None, str]]:
    """Every cell of one row: (column key, value, unit)."""
    return db.execute(
        "SELECT column_key, value, unit FROM figures WHERE report_id = ? AND table_no = ? AND row_key = ?",
        [report_id, table, row],
    ).fetchall()


def findings_of(db: Connection, report_id: str) -> list[tuple[str, dict[str, Any]]]:
    """A report's findings: (kind, detail)."""
    rows = db.execute("SELECT kind, detail FROM findings WHERE report_id = ? ORDER BY ordinal", [report_id])
    return [(kind, json.loads(detail)) for kind, detail in rows]


def passage(db: Connection, report_id: str, ordinal: int) -> tuple[int, str, str] | None:
    """(section, heading, text) of one passage."""
    return db.execute(
        "SELECT section, heading, text FROM passages WHERE report_id = ? AND ordinal = ?", [report_id, ordinal]
    ).fetchone()


def section_passages(db: Connection, report_id: str, section: int) -> list[tuple[int, str, str]]:
    """(ordinal, heading, text) of a section's passages, in order."""
    return db.execute(
        "SELECT ordinal, heading, text FROM passages WHERE report_id = ? AND section = ? ORDER BY ordinal",
        [report_id, section],
    ).fetchall()


def section_title(db: Connection, report_id: str, section: int) -> str:
    """A section's title as the report printed it, or ""."""
    row = db.execute("SELECT title FROM sections WHERE report_id = ? AND number = ?", [report_id, section]).fetchone()
    return row[0] if row else ""


def data_version(db: Connection) -> int:
    """Changes whenever another connection commits (SQLite's PRAGMA data_version)."""
    return db.execute("PRAGMA data_version").fetchone()[0]


def snapshot_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection holding a read transaction: every read through it sees the database as of now."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
    connection.execute("BEGIN")
    return connection


def watch_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection for data_version only."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


# ---------------------------------------------------------------- what the search index reads


def body_words(db: Connection) -> list[str]:
    """Every body's name and short name: words the tokenizer learns, for passages and questions alike."""
    return [word for row in db.execute("SELECT name, short_name FROM bodies") for word in row]


def untokenized_passages(db: Connection) -> list[tuple[str, int, str, str]]:
    """(report id, ordinal, heading, text) of passages stored without search tokens yet."""
    return db.execute("SELECT report_id, ordinal, heading, text FROM passages WHERE tokens IS NULL").fetchall()


def passage_tokens(db: Connection, report_ids: Collection[str] | None = None) -> list[tuple[str, int, str | None]]:
    """(report id, ordinal, tokens) of every passage (or those of some reports), by report and ordinal."""
    sql = "SELECT report_id, ordinal, tokens FROM passages"
    params: list[str] = []
    if report_ids is not None:
        sql += f" WHERE report_id IN ({','.join('?' * len(report_ids))})"
        params = list(report_ids)
    return db.execute(sql + " ORDER BY report_id, ordinal", params).fetchall()


def table_counts(db: Connection) -> dict[str, int]:
    """Rows in each content table (for the benchmark's report)."""
    tables = ("reports", "bodies", "passages", "figures", "warnings", "findings")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
