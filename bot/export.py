"""Every stored table cell to CSV or Excel, one row a cell, for staff who work in spreadsheets."""

from __future__ import annotations

import csv
import re
from itertools import chain
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from bot.files import replacing
from ingest.nationalformat import fold, national_format
from ingest.read import CELL_FIELDS, Body, bodies, cells, open_existing, report_count
from ingest.values import format_number

FORMATS = ("csv", "xlsx")

# One header line: Chinese for the people who read it, English in parentheses for scripts.
HEADERS = (
    "机关 (body)",
    "年度 (year)",
    "表 (table)",
    "行 (row path)",
    "列 (column)",
    "数值 (value)",
    "单位 (unit)",
    "原文 (raw text)",
    "报告编号 (report id)",
    "来源文件 (source file)",
)
assert len(HEADERS) == len(CELL_FIELDS)

_EXCEL_MAX_ROWS = 1_048_576  # a sheet's limit, header included
_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ExportError(Exception):
    """An export refused, with the reason a person reads."""


class NothingHeld(ExportError):
    """The data dir holds no report yet."""


class NoSuchBody(ExportError):
    """No body held matches the name asked for."""


class NoCells(ExportError):
    """The bodies and year asked for have no stored cell."""


class TooManyRows(ExportError):
    """A table has more cells than an Excel sheet holds."""


def export_cells(
    source: sqlite_utils.Database | Path,
    path: Path,
    body: str | None = None,
    year: int | None = None,
    fmt: str = "csv",
) -> int:
    """Write every stored cell (of a body, of a year) to `path` as CSV or xlsx; the rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    db = open_existing(source) if isinstance(source, Path) else source
    if db is None:
        raise NothingHeld("no reports are held yet: run `reportbot ingest PATH` first")
    try:
        if report_count(db) == 0:
            raise NothingHeld("no reports are held yet: run `reportbot ingest PATH` first")
        body_ids = None
        if body is not None:
            matched = matching_bodies(bodies(db), body)
            if not matched:
                raise NoSuchBody(f"no body held is called {body!r}: `reportbot reports` lists them")
            body_ids = [b.id for b in matched]
        rows = cells(db, body_ids, year)
        first = next(rows, None)
        if first is None:
            asked = " ".join(filter(None, [body, f"{year}年" if year is not None else None]))
            raise NoCells(f"no table cells are held for {asked}")
        with replacing(path) as temporary:
            write = _write_csv if fmt == "csv" else _write_xlsx
            return write(chain([first], rows), temporary)
    finally:
        if isinstance(source, Path):
            db.close()


def matching_bodies(held: Iterable[Body], text: str) -> list[Body]:
    """The bodies whose name, short name or a printed name contains `text` (full/half width alike)."""
    wanted = fold(text)
    if not wanted:
        return []
    return [b for b in held if any(wanted in fold(name) for name in (b.name, b.short_name, *b.names))]


def sheet_name(table_no: int) -> str:
    """An Excel sheet name for a table: 表3 收到和处理政府信息公开申请情况, within 31 characters."""
    name = f"表{table_no} {national_format().table(table_no).title}"
    return _SHEET_NAME_FORBIDDEN.sub(" ", name)[:_SHEET_NAME_MAX]


def _write_csv(rows: Iterable[dict[str, Any]], path: Path) -> int:
    # A byte-order mark, so that Excel opens the file as UTF-8 and shows the Chinese.
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(
                "" if row[f] is None else format_number(row[f]) if f == "value" else row[f] for f in CELL_FIELDS
            )
            count += 1
    return count


def _write_xlsx(rows: Iterable[dict[str, Any]], path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    # Write-only: rows stream to disk, so an export of every report held stays small in memory.
    book = Workbook(write_only=True)
    sheets: dict[int, Any] = {}
    used: dict[int, int] = {}
    count = 0
    for row in rows:
        table = row["table_no"]
        sheet = sheets.get(table)
        if sheet is None:
            sheet = sheets[table] = book.create_sheet(sheet_name(table))
            sheet.freeze_panes = "A2"
            for letter, width in zip("ABCDEFGHIJ", (28, 7, 5, 48, 16, 10, 6, 12, 10, 40)):
                sheet.column_dimensions[letter].width = width
            sheet.append(HEADERS)
            used[table] = 1
        if used[table] >= _EXCEL_MAX_ROWS:
            raise TooManyRows(
                f"{sheet_name(table)} has more cells than an Excel sheet holds: "
                "export one body or year at a time, or use --format csv"
            )
        sheet.append([_xlsx_cell(sheet, row[f], WriteOnlyCell) for f in CELL_FIELDS])
        used[table] += 1
        count += 1
    book.save(path)
    return count


_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_cell(sheet: Any, value: Any, make_cell: Any) -> Any:
    """A value as Excel should hold it: numbers as numbers, text never taken for a formula."""
    if not isinstance(value, str):
        return value  # a number, or None for a blank cell (left empty)
    cell = make_cell(sheet, value=_ILLEGAL_IN_XLSX.sub("", value))
    cell.data_type = "s"  # openpyxl would store a text beginning with = as a formula
    return cell
