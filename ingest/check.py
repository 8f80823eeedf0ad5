"""`reportbot check`: what was understood of each report and what does not add up, without storing.

A file (a draft not yet published, or a report to try) is read and checked against the
format and against its body's report of the year before, if held; a report held is shown
from the database. Each comes out as a `Checked`, whose status sorts it for the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ingest.errors import RefusedFile
from ingest.findings import carry_over
from ingest.model import Finding, ParsedReport
from ingest.nationalformat import NONSTANDARD, national_format
from ingest.read import body_of, held_reports, open_existing, previous_year
from ingest.run import FileOutcome, find_files, parsed_in_workers

READ_FULLY = "read fully"
SUMS_BROKEN = "sums broken as published"
CELLS_SKIPPED = "cells skipped"
TABLES_MISSING = "tables missing"
NOT_STANDARD = "no standard tables"
REFUSED = "refused"
STATUSES = (READ_FULLY, SUMS_BROKEN, CELLS_SKIPPED, TABLES_MISSING, NOT_STANDARD, REFUSED)


@dataclass
class Checked:
    source: str  # the file, or the id of the report held
    report_id: str | None = None  # None for a file not stored
    title: str = ""
    body: str = ""
    year: int | None = None
    format: str = ""
    cells: dict[int, int] = field(default_factory=dict)  # table number → cells read
    warnings: list[str] = field(default_factory=list)  # what could not be read, and why
    findings: list[Finding] = field(default_factory=list)
    refused: str | None = None

    @property
    def status(self) -> str:
        if self.refused:
            return REFUSED
        if self.format == NONSTANDARD:
            return NOT_STANDARD
        if any(not self.cells.get(t.number) for t in national_format().tables):
            return TABLES_MISSING
        if self.warnings:
            return CELLS_SKIPPED
        if any(f.kind == "sum" for f in self.findings):
            return SUMS_BROKEN
        return READ_FULLY

    def report(self) -> dict:
        """The report as the findings' JSON names it."""
        return {"id": self.report_id, "body": self.body, "year": self.year}


class NoSuchReport(RefusedFile):
    """Neither a file nor the id of a report held."""


def check(targets: Iterable[str], data_dir: Path) -> list[Checked]:
    """Files and report ids checked; with no targets, every report held. Files are parsed in
    worker processes, under the same limits as an ingest."""
    targets = list(targets)
    db = open_existing(data_dir)
    try:
        if not targets:
            return [_held(report) for report in held_reports(db)] if db is not None else []
        checked: list[Checked] = []
        for target in targets:
            path = Path(target)
            if path.exists():
                files, _ = find_files([path])
                checked.extend(check_file(file, parsed, data_dir) for file, parsed in parsed_in_workers(files, 0))
                continue
            held = held_reports(db, [target]) if db is not None else []
            if not held:
                raise NoSuchReport(target, "no such file, nor a report held with that id (see `reportbot reports`)")
            checked.append(_held(held[0]))
        return checked
    finally:
        if db is not None:
            db.close()


def check_file(path: Path, parsed: ParsedReport | FileOutcome, data_dir: Path) -> Checked:
    """A file's reading checked as it would be stored, against its body's year before if held; nothing is stored."""
    if isinstance(parsed, FileOutcome):
        return Checked(str(path), refused=(parsed.reason or "").removeprefix(f"{path}: "))
    report = parsed
    checked = Checked(
        str(path),
        title=report.title,
        body=report.body,
        year=report.year,
        format=report.format,
        cells=_count(f.table for f in report.figures),
        warnings=[w.message for w in report.warnings],
        findings=list(report.findings),
    )
    db = open_existing(data_dir)
    if db is not None:
        try:
            body_id = body_of(db, report.body)
            previous = previous_year(db, body_id, report.year) if body_id is not None else None
        finally:
            db.close()
        if previous is not None:
            this_year = {(f.row, f.column): f.value for f in report.figures if f.table == 3}
            finding = carry_over(this_year, report.format, report.year, previous[1], previous[0])
            if finding is not None:
                checked.findings.append(finding)
    return checked


def _held(report) -> Checked:
    return Checked(
        report.id,
        report_id=report.id,
        title=report.title,
        body=report.body,
        year=report.year,
        format=report.format,
        cells=dict(report.cells),
        warnings=list(report.warnings),
        findings=list(report.findings),
    )


def _count(tables: Iterable[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for table in tables:
        counts[table] = counts.get(table, 0) + 1
    return counts


def summary(checked: list[Checked]) -> dict[str, int]:
    """How many reports have each status, in the order of STATUSES."""
    return {status: sum(1 for c in checked if c.status == status) for status in STATUSES}

