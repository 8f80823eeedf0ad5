"""Every write to the database: a report stored (replacing its earlier reading) with its body and findings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Iterator

import sqlite_utils

from ingest.bodies import short_name
from ingest.findings import carry_over
from ingest.model import Figure, Finding, ParsedReport, ReportWarning
from ingest.nationalformat import cell_labels
from ingest.errors import WorseReading
from ingest.read import body_of, current_version, held_reports, table3_cells

_CONTENT_TABLES = ("sections", "passages", "figures", "warnings", "findings")


# A new reading keeping less than this share of the held one's figures or passages loses "most" of them.
_KEPT_AT_LEAST = 0.5


@dataclass(frozen=True)
class StoredReport:
    id: str
    body: str
    year: int
    status: str  # "ingested", "replaced", "unchanged" (the same reading was held) or "restored"


def save_report(
    db: sqlite_utils.Database, report: ParsedReport, *, replace: bool = False, restoring: int | None = None
) -> StoredReport:
    """Store a report in one transaction, replacing the body's report for the same year.

    A reading that would lose what the held one has (a table, most figures or passages) is
    refused with WorseReading unless `replace`; the same reading again changes nothing. Every
    reading stored is recorded as a version; `restoring` names the earlier version being
    brought back, which becomes current again instead of a new one.
    """
    with db.atomic():
        body_id, body = _resolve_body(db, report.body)
        report_id = f"{body_id}-{report.year}"
        held = current_version(db, report_id)
        reading = report.reading()
        if held is not None and held["reading"] == reading and restoring is None:
            return StoredReport(report_id, body, report.year, "unchanged")
        if held is not None and not replace and restoring is None:
            losses = what_it_would_lose(db, report_id, report)
            if losses:
                raise WorseReading(
                    report.source_file,
                    f"would replace {body} {report.year} (id {report_id}) with a worse reading that loses "
                    f"{'; '.join(losses)}; not stored (use --replace to replace it anyway)",
                )
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
        _record_version(db, report_id, report, reading, restoring)
    status = "restored" if restoring is not None else "replaced" if held is not None else "ingested"
    return StoredReport(report_id, body, report.year, status)


def what_it_would_lose(db: sqlite_utils.Database, report_id: str, report: ParsedReport) -> list[str]:
    """What a new reading lacks that the held one has: whole tables, most figures, most passages."""
    held_cells = held_reports(db, [report_id])[0].cells
    new_cells: dict[int, int] = {}
    for figure in report.figures:
        new_cells[figure.table] = new_cells.get(figure.table, 0) + 1
    losses = [f"table {t} ({held_cells[t]} cells)" for t in sorted(held_cells) if held_cells[t] and not new_cells.get(t)]
    held = current_version(db, report_id)
    assert held is not None
    for what, before, after in (
        ("figures", held["figure_count"], len(report.figures)),
        ("passages", held["passage_count"], len(report.passages)),
    ):
        if before and after < before * _KEPT_AT_LEAST:
            losses.append(f"{before - after} of its {before} {what}")
    return losses


def _record_version(
    db: sqlite_utils.Database, report_id: str, report: ParsedReport, reading: str, restoring: int | None
) -> None:
    if restoring is not None:
        db.execute("UPDATE report_versions SET state = 'withdrawn' WHERE report_id = ? AND state = 'current'", [report_id])
        db.execute("UPDATE report_versions SET state = 'current', reading = ? WHERE report_id = ? AND version = ?",
                   [reading, report_id, restoring])
        return
    db.execute("UPDATE report_versions SET state = 'replaced' WHERE report_id = ? AND state = 'current'", [report_id])
    version = db.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM report_versions WHERE report_id = ?", [report_id]
    ).fetchone()[0]
    db["report_versions"].insert(
        {
            "report_id": report_id,
            "version": version,
            "sha256": report.sha256,
            "reading": reading,
            "source_file": report.source_file,
            "title": report.title,
            "figure_count": len(report.figures),
            "passage_count": len(report.passages),
            "stored_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "state": "current",
        }
    )


def _check_carry_over(db: sqlite_utils.Database, body_id: int, year: int) -> None:
    """The carry-over finding of a body's report for `year` against the year before, both held, made anew."""
    current, previous = f"{body_id}-{year}", f"{body_id}-{year - 1}"
    formats = dict(db.execute("SELECT id, format FROM reports WHERE id IN (?, ?)", [current, previous]).fetchall())
    if current not in formats:
        return
    db.execute("DELETE FROM findings WHERE report_id = ? AND kind = 'carry-over'", [current])
    if previous in formats:
        finding = carry_over(
            table3_cells(db, current), formats[current], year, table3_cells(db, previous), formats[previous]
        )
        if finding is not None:
            ordinal = db.execute("SELECT coalesce(max(ordinal) + 1, 0) FROM findings WHERE report_id = ?", [current]).fetchone()[0]
            db["findings"].insert_all(_finding_rows(current, [finding], start=ordinal))
    db.execute(
        "UPDATE reports SET finding_count = (SELECT count(*) FROM findings WHERE report_id = ?) WHERE id = ?",
        [current, current],
    )


_FIGURE_COLUMNS = ("report_id", "table_no", "block", "row_key", "column_key", "row_path", "column_label", "value", "unit", "raw")
_INSERT_FIGURE = f"INSERT INTO figures ({', '.join(_FIGURE_COLUMNS)}) VALUES ({', '.join('?' * len(_FIGURE_COLUMNS))})"


def _figure_rows(report_id: str, version: str, figures: Iterable[Figure]) -> Iterator[tuple]:
    for f in figures:
        row_path, column_label = cell_labels(version, f.table, f.block, f.row, f.column)
        yield (report_id, f.table, f.block, f.row, f.column, row_path, column_label, f.value, f.unit, f.raw)


def _finding_rows(report_id: str, findings: list[Finding], start: int = 0) -> Iterator[dict]:
    return _noted_rows(report_id, ((f.kind, f.message, f.detail) for f in findings), "kind", start)


def _warning_rows(report_id: str, warnings: list[ReportWarning]) -> Iterator[dict]:
    return _noted_rows(report_id, ((w.code, w.message, w.detail) for w in warnings), "code")


def _noted_rows(report_id: str, notes: Iterable[tuple[str, str, dict]], kind_column: str, start: int = 0) -> Iterator[dict]:
    """Warnings and findings as rows: what kind, the message, the detail as JSON, numbered in order."""
    for i, (kind, message, detail) in enumerate(notes, start=start):
        yield {
            "report_id": report_id,
            "ordinal": i,
            kind_column: kind,
            "message": message,
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
        }


def _delete_report(db: sqlite_utils.Database, report_id: str) -> None:
    for table in _CONTENT_TABLES:
        db.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
    db.execute("DELETE FROM reports WHERE id = ?", [report_id])


def _resolve_body(db: sqlite_utils.Database, name: str) -> tuple[int, str]:
    """The body a printed name belongs to, created if new; keeps the fullest name.

    Names of one body differ only in the places in front (洪泽区人民政府, 淮安市洪泽区人民政府); a
    name two bodies could own (城中区 of two cities) makes a body of its own."""
    body_id = body_of(db, name)
    if body_id is None:
        body_id = db["bodies"].insert({"name": name, "short_name": short_name(name)}).last_pk
    if db.execute("SELECT 1 FROM body_names WHERE name = ?", [name]).fetchone() is None:
        db["body_names"].insert({"name": name, "body_id": body_id})
    current = db.execute("SELECT name FROM bodies WHERE id = ?", [body_id]).fetchone()[0]
    if len(name) > len(current):
        db.execute("UPDATE bodies SET name = ?, short_name = ? WHERE id = ?", [name, short_name(name), body_id])
        db.execute("UPDATE reports SET body = ? WHERE body_id = ?", [name, body_id])
        current = name
    return body_id, current

def save_tokens(db: sqlite_utils.Database, tokens: list[tuple[str, str, int]]) -> None:
    """Store passages' search tokens ((tokens, report id, ordinal)): the index's cache of its tokenizing."""
    with db.atomic():
        db.conn.executemany("UPDATE passages SET tokens = ? WHERE report_id = ? AND ordinal = ?", tokens)
