"""The SQLite file: reports, their passages, figures and warnings (schema in the README)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from ingest.bodies import name_pattern, same_body, short_name
from ingest.findings import carry_over
from ingest.model import Figure, Finding, Number, ParsedReport, ReportWarning
from ingest.nationalformat import cell_labels

DB_NAME = "reportbot.db"

# Numbered migrations: each runs once, in order, recorded in the migrations table.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE bodies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,      -- the fullest name printed, e.g. 淮安市洪泽区人民政府
        short_name TEXT NOT NULL        -- what people call it, e.g. 洪泽区
    );
    CREATE TABLE body_names (
        name TEXT PRIMARY KEY,          -- every name a report printed for the body
        body_id INTEGER NOT NULL REFERENCES bodies(id)
    );
    CREATE TABLE reports (
        id TEXT PRIMARY KEY,            -- "<body id>-<year>", stable across re-ingests
        body_id INTEGER NOT NULL REFERENCES bodies(id),
        body TEXT NOT NULL,
        year INTEGER NOT NULL,
        title TEXT NOT NULL,
        format TEXT NOT NULL,           -- 2019, 2021 or nonstandard
        published TEXT,                 -- YYYY-MM-DD where the page states it
        source_file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        passage_count INTEGER NOT NULL,
        figure_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        UNIQUE (body_id, year)
    );
    CREATE TABLE sections (
        report_id TEXT NOT NULL REFERENCES reports(id),
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        PRIMARY KEY (report_id, number)
    );
    CREATE TABLE passages (
        report_id TEXT NOT NULL REFERENCES reports(id),
        ordinal INTEGER NOT NULL,
        section INTEGER NOT NULL,       -- 1..6; 0 before section 一
        heading TEXT NOT NULL,
        text TEXT NOT NULL,
        tokens TEXT,                    -- search tokens, space separated; filled by the index
        PRIMARY KEY (report_id, ordinal)
    );
    CREATE TABLE figures (
        report_id TEXT NOT NULL REFERENCES reports(id),
        table_no INTEGER NOT NULL,      -- 2, 3 or 4
        block TEXT NOT NULL,
        row_key TEXT NOT NULL,
        column_key TEXT NOT NULL,
        row_path TEXT NOT NULL,         -- e.g. 三、本年度办理结果 / （三）不予公开 / 8.属于行政查询事项
        column_label TEXT NOT NULL,     -- e.g. 自然人, 总计
        value NUMERIC,                  -- the published number; NULL for a blank cell
        unit TEXT NOT NULL,             -- 件, 项, 万元, 元
        raw TEXT NOT NULL,              -- the cell as printed, e.g. 减3项
        PRIMARY KEY (report_id, table_no, row_key, column_key)
    );
    CREATE TABLE warnings (
        report_id TEXT NOT NULL REFERENCES reports(id),
        ordinal INTEGER NOT NULL,
        code TEXT NOT NULL,             -- sum, table, text
        message TEXT NOT NULL,
        detail TEXT NOT NULL,           -- JSON
        PRIMARY KEY (report_id, ordinal)
    );
    CREATE VIEW figure_lookup AS
        SELECT r.body, r.year, f.table_no, f.row_path, f.column_label, f.value, f.unit, f.raw,
               r.id AS report_id
        FROM figures f JOIN reports r ON r.id = f.report_id;
    """,
    """
    CREATE TABLE findings (
        report_id TEXT NOT NULL REFERENCES reports(id),
        ordinal INTEGER NOT NULL,
        kind TEXT NOT NULL,             -- sum, prose, carry-over
        message TEXT NOT NULL,
        detail TEXT NOT NULL,           -- JSON
        PRIMARY KEY (report_id, ordinal)
    );
    """,
    # Broken sums are findings (with prose against tables and carry-over), not reading problems.
    """
    INSERT INTO findings (report_id, ordinal, kind, message, detail)
        SELECT report_id, ordinal, 'sum', message, detail FROM warnings WHERE code = 'sum';
    DELETE FROM warnings WHERE code = 'sum';
    ALTER TABLE reports ADD COLUMN finding_count INTEGER NOT NULL DEFAULT 0;
    UPDATE reports SET
        warning_count = (SELECT count(*) FROM warnings w WHERE w.report_id = reports.id),
        finding_count = (SELECT count(*) FROM findings f WHERE f.report_id = reports.id);
    """,
]

_CONTENT_TABLES = ("sections", "passages", "figures", "warnings", "findings")


@dataclass(frozen=True)
class StoredReport:
    id: str
    body: str
    year: int
    replaced: bool


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


def open_db(data_dir: Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database in the data dir, migrated to the latest schema."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(database_path(data_dir))
    # WAL: the bot keeps reading while an ingest writes, and a killed writer leaves the last
    # committed state. synchronous=NORMAL is still atomic; it only skips an fsync a commit.
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> None:
    """Apply the migrations this database has not had yet."""
    with db.atomic():
        db.execute("CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY)")
        done = {row[0] for row in db.execute("SELECT number FROM migrations").fetchall()}
        for number, script in enumerate(MIGRATIONS, start=1):
            if number in done:
                continue
            for statement in _statements(script):
                db.execute(statement)
            db.execute("INSERT INTO migrations (number) VALUES (?)", [number])


def _statements(script: str) -> Iterator[str]:
    """A migration's statements one by one (executescript would commit mid-transaction);
    SQLite itself says where a statement is complete, whatever its strings and comments hold."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def save_report(db: sqlite_utils.Database, report: ParsedReport) -> StoredReport:
    """Store a report, replacing the body's report for the same year, in one transaction."""
    with db.atomic():
        body_id, body = _resolve_body(db, report.body)
        report_id = f"{body_id}-{report.year}"
        replaced = db.execute("SELECT 1 FROM reports WHERE id = ?", [report_id]).fetchone() is not None
        _delete_report(db, report_id)
        db["reports"].insert(
            {
                "id": report_id,
                "body_id": body_id,
                "body": body,
                "year": report.year,
                "title": report.title,
                "format": report.format,
                "published": report.published,
                "source_file": report.source_file,
                "sha256": report.sha256,
                "passage_count": len(report.passages),
                "figure_count": len(report.figures),
                "warning_count": len(report.warnings),
                "finding_count": len(report.findings),
            }
        )
        db["sections"].insert_all(
            {"report_id": report_id, "number": n, "title": t} for n, t in sorted(report.sections.items())
        )
        db["passages"].insert_all(
            {"report_id": report_id, "ordinal": i, "section": p.section, "heading": p.heading, "text": p.text}
            for i, p in enumerate(report.passages)
        )
        # Plain executemany: a report has hundreds of figures, and sqlite-utils' per-value
        # checks cost more than the insert itself.
        db.conn.executemany(_INSERT_FIGURE, _figure_rows(report_id, report.format, report.figures))
        db["warnings"].insert_all(_warning_rows(report_id, report.warnings))
        db["findings"].insert_all(_finding_rows(report_id, report.findings))
        _check_carry_over(db, body_id, report.year)
        _check_carry_over(db, body_id, report.year + 1)
    return StoredReport(report_id, body, report.year, replaced)


def _check_carry_over(db: sqlite_utils.Database, body_id: int, year: int) -> None:
    """The carry-over finding of a body's report for `year` against the year before, both held, made anew."""
    current, previous = f"{body_id}-{year}", f"{body_id}-{year - 1}"
    formats = dict(db.execute("SELECT id, format FROM reports WHERE id IN (?, ?)", [current, previous]).fetchall())
    if current not in formats:
        return
    db.execute("DELETE FROM findings WHERE report_id = ? AND kind = 'carry-over'", [current])
    if previous in formats:
        finding = carry_over(
            _table3(db, current), formats[current], year, _table3(db, previous), formats[previous]
        )
        if finding is not None:
            ordinal = db.execute("SELECT coalesce(max(ordinal) + 1, 0) FROM findings WHERE report_id = ?", [current]).fetchone()[0]
            db["findings"].insert_all(_finding_rows(current, [finding], start=ordinal))
    db.execute(
        "UPDATE reports SET finding_count = (SELECT count(*) FROM findings WHERE report_id = ?) WHERE id = ?",
        [current, current],
    )


def _table3(db: sqlite_utils.Database, report_id: str) -> dict[tuple[str, str], Number | None]:
    rows = db.execute("SELECT row_key, column_key, value FROM figures WHERE report_id = ? AND table_no = 3", [report_id])
    return {(row, column): value for row, column, value in rows}


_FIGURE_COLUMNS = ("report_id", "table_no", "block", "row_key", "column_key", "row_path", "column_label", "value", "unit", "raw")
_INSERT_FIGURE = f"INSERT INTO figures ({', '.join(_FIGURE_COLUMNS)}) VALUES ({', '.join('?' * len(_FIGURE_COLUMNS))})"


def _figure_rows(report_id: str, version: str, figures: Iterable[Figure]) -> Iterator[tuple]:
    for f in figures:
        row_path, column_label = cell_labels(version, f.table, f.block, f.row, f.column)
        yield (report_id, f.table, f.block, f.row, f.column, row_path, column_label, f.value, f.unit, f.raw)


def _finding_rows(report_id: str, findings: list[Finding], start: int = 0) -> Iterator[dict]:
    for i, f in enumerate(findings, start=start):
        yield {
            "report_id": report_id,
            "ordinal": i,
            "kind": f.kind,
            "message": f.message,
            "detail": json.dumps(f.detail, ensure_ascii=False, sort_keys=True),
        }


def _warning_rows(report_id: str, warnings: list[ReportWarning]) -> Iterator[dict]:
    for i, w in enumerate(warnings):
        yield {
            "report_id": report_id,
            "ordinal": i,
            "code": w.code,
            "message": w.message,
            "detail": json.dumps(w.detail, ensure_ascii=False, sort_keys=True),
        }


def _delete_report(db: sqlite_utils.Database, report_id: str) -> None:
    for table in _CONTENT_TABLES:
        db.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
    db.execute("DELETE FROM reports WHERE id = ?", [report_id])


def _resolve_body(db: sqlite_utils.Database, name: str) -> tuple[int, str]:
    """The body a printed name belongs to, created if new; keeps the fullest name."""
    row = db.execute("SELECT body_id FROM body_names WHERE name = ?", [name]).fetchone()
    if row:
        body_id = row[0]
    else:
        # Names of one body differ only in the places in front: compare those that end alike.
        matches = [
            (bid, bname)
            for bid, bname in db.execute(
                "SELECT id, name FROM bodies WHERE name LIKE ?", [name_pattern(name)]
            ).fetchall()
            if same_body(bname, name)
        ]
        if len(matches) == 1:
            body_id = matches[0][0]
        else:  # none, or ambiguous (城中区 of two cities): a body of its own
            body_id = db["bodies"].insert({"name": name, "short_name": short_name(name)}).last_pk
        db["body_names"].insert({"name": name, "body_id": body_id})
    current = db.execute("SELECT name FROM bodies WHERE id = ?", [body_id]).fetchone()[0]
    if len(name) > len(current):
        db.execute("UPDATE bodies SET name = ?, short_name = ? WHERE id = ?", [name, short_name(name), body_id])
        db.execute("UPDATE reports SET body = ? WHERE body_id = ?", [name, body_id])
        current = name
    return body_id, current


# ---------------------------------------------------------------- reading back


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


def checkpoint(db: sqlite_utils.Database) -> None:
    """Move the write-ahead log into the database file, for readers that open the file alone."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
