"""The SQLite file: where it lives, its schema and the numbered migrations that make it (schema in the README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterator

import sqlite_utils

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
    # Every reading of a report stored, so that a replaced one can be brought back; the file it
    # was read from is kept under sources/ by its sha256.
    """
    CREATE TABLE report_versions (
        report_id TEXT NOT NULL,        -- no foreign key: a replace deletes and re-inserts the report
        version INTEGER NOT NULL,       -- 1, 2, … in the order they were stored
        sha256 TEXT NOT NULL,           -- of the file, kept as sources/<sha256>
        reading TEXT NOT NULL,          -- sha256 of what was read from it: the same reading is not stored twice
        source_file TEXT NOT NULL,
        title TEXT NOT NULL,
        figure_count INTEGER NOT NULL,
        passage_count INTEGER NOT NULL,
        stored_at TEXT NOT NULL,        -- UTC, ISO 8601
        state TEXT NOT NULL,            -- current, replaced, withdrawn (taken back by a restore)
        PRIMARY KEY (report_id, version)
    );
    INSERT INTO report_versions
        SELECT id, 1, sha256, '', source_file, title, figure_count, passage_count, '', 'current' FROM reports;
    """,
]

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


def checkpoint(db: sqlite_utils.Database) -> None:
    """Move the write-ahead log into the database file, for readers that open the file alone."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
