"""The three standard tables, from whatever cells a reader found, to exact figures.

Rows are found by their printed labels, matched against the national format; the cells
after a label are that row's values. This works the same for a grid (HTML, PDF, DOCX:
one list of cells per row) and for a copied page (one long list of cells), and it does
not depend on where a table starts or which section a reader put it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from ingest.document import Table
from ingest.model import Figure, ReportWarning
from ingest.nationalformat import Block, NationalFormat, Row, national_format, normalize_label, numbered_label
from ingest.nationalformat import Table as FormatTable
from ingest.values import clean, is_value, parse_value

# Printed labels are misprinted now and then (2.其他法律行政止公开); a close match still
# names its row, but a short label must match exactly (其他 is not 其他处理).
_FUZZY_RATIO = 0.8
_FUZZY_MIN_LENGTH = 5


@dataclass
class _Segment:
    """A label and the cells printed after it, up to the next label or row end."""

    label: str
    values: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _RowMatch:
    table: int
    block: Block
    row: Row


def extract_figures(
    tables: list[tuple[int | None, Table]], version: str
) -> tuple[list[Figure], list[ReportWarning]]:
    """Figures of tables 2, 3 and 4 from the report's tables (each with its section)."""
    fmt = national_format()
    figures: list[Figure] = []
    warnings: list[ReportWarning] = []
    seen: set[tuple[int, str]] = set()
    table2_block: Block | None = None

    # A table published as one row of numbers (Table 4) has no row labels to find.
    single_row = [t for t in fmt.tables if t.single_row]
    for section, table in tables:
        if any(section == t.section for t in single_row):
            continue
        for grid_row in table.rows:
            for segment in _segments(grid_row):
                block = _table2_block(fmt, segment.label, version)
                if block is not None:
                    table2_block = block
                    continue
                if not segment.values:
                    continue  # a group label or a header cell: it names no figures
                match = _match_row(fmt, segment.label, version, table2_block)
                if match is None:
                    if any(clean(v) for v in segment.values):
                        warnings.append(_unrecognised(segment))
                    continue
                if match.table == 3:
                    table2_block = None
                key = (match.table, match.row.key)
                if key in seen:
                    warnings.append(
                        ReportWarning(
                            "table",
                            f"Table {match.table}: row {match.row.label} is printed twice; the first is kept",
                            {"table": match.table, "row": match.row.key},
                        )
                    )
                    continue
                row_figures, problem = _row_figures(match, segment.values, version)
                if problem:
                    warnings.append(problem)
                    continue
                seen.add(key)
                figures.extend(row_figures)

    for table in single_row:
        figures.extend(_single_row_figures(table, tables, version))
    warnings.extend(_missing_rows(fmt, figures, version))
    return figures, warnings


def _segments(cells: list[str | None]) -> list[_Segment]:
    segments: list[_Segment] = []
    for cell in cells:
        if cell is None:
            continue  # covered by a merged cell
        if is_value(cell):
            if segments:
                segments[-1].values.append(cell)
            continue
        segments.append(_Segment(cell))
    return segments


@cache
def _block_labels(version: str) -> dict[str, Block]:
    return {normalize_label(block.label): block for block in national_format().table(2).blocks_in(version)}


def _table2_block(fmt: NationalFormat, label: str, version: str) -> Block | None:
    return _block_labels(version).get(normalize_label(label))


@dataclass(frozen=True)
class _Labels:
    """The row labels a table offers, ready to match: by words, by numbered label, for fuzzy matching."""

    by_words: dict[str, _RowMatch]
    by_number: dict[str, _RowMatch]
    fuzzy: tuple[tuple[str, _RowMatch], ...]


@cache
def _labels(version: str, table: int, block_key: str) -> _Labels:
    block = national_format().table(table).block(block_key, version)
    by_words: dict[str, _RowMatch] = {}
    by_number: dict[str, _RowMatch] = {}
    fuzzy: list[tuple[str, _RowMatch]] = []
    for row in block.rows_in(version):
        for name in (row.label, *row.also):
            match = _RowMatch(table, block, row)
            words = normalize_label(name)
            if len(words) < _FUZZY_MIN_LENGTH and numbered_label(name) != words:
                # A short numbered label (（七）总计, 3.其他) must keep its number: 总计 and
                # 其他 alone are column headers.
                by_number.setdefault(numbered_label(name), match)
            else:
                by_words.setdefault(words, match)
                fuzzy.append((words, match))
    return _Labels(by_words, by_number, tuple(fuzzy))


def _match_row(
    fmt: NationalFormat, label: str, version: str, table2_block: Block | None
) -> _RowMatch | None:
    printed = normalize_label(label)
    if not printed:
        return None
    candidates = [_labels(version, 3, b.key) for b in fmt.table(3).blocks_in(version)]
    if table2_block is not None:
        candidates.insert(0, _labels(version, 2, table2_block.key))
    numbered = numbered_label(label)
    for labels in candidates:
        match = labels.by_words.get(printed) or labels.by_number.get(numbered)
        if match:
            return match
    if len(printed) < _FUZZY_MIN_LENGTH:
        return None
    for labels in candidates:
        for words, match in labels.fuzzy:
            if len(words) >= _FUZZY_MIN_LENGTH and SequenceMatcher(None, printed, words).ratio() >= _FUZZY_RATIO:
                return match
    return None


def _fit(values: list[str], width: int) -> list[str] | None:
    """The row's cells trimmed to the format's width, or None when they cannot be placed.

    Extra cells are tolerated only when blank and at the edges (an empty label column in
    a grid); a row with cells missing is refused, since a guess would shift columns.
    """
    cells = list(values)
    while len(cells) > width and clean(cells[0]) == "":
        cells.pop(0)
    while len(cells) > width and clean(cells[-1]) == "":
        cells.pop()
    return cells if len(cells) == width else None


def _row_figures(match: _RowMatch, values: list[str], version: str) -> tuple[list[Figure], ReportWarning | None]:
    block, row = match.block, match.row
    if row.group:
        return [], ReportWarning(
            "table",
            f"Table {match.table}: {row.label} is a heading in the format but has numbers; they are not stored",
            {"table": match.table, "row": row.key},
        )
    cells = _fit(values, len(block.columns))
    if cells is None:
        return [], ReportWarning(
            "table",
            f"Table {match.table}: row {row.label} has {len(values)} cells where the format has "
            f"{len(block.columns)}; its figures are not stored",
            {"table": match.table, "row": row.key, "cells": values},
        )
    figures = []
    for column, raw in zip(block.columns, cells):
        try:
            value, unit = parse_value(raw, column.unit)
        except ValueError:
            return [], ReportWarning(
                "table", f"Table {match.table}: row {row.label} has a cell that is not a number: {raw!r}", {}
            )
        figures.append(Figure(match.table, block.key, row.key, column.key, value, unit, clean(raw)))
    return figures, None


def _single_row_figures(table: FormatTable, tables: list[tuple[int | None, Table]], version: str) -> list[Figure]:
    """A table published as one run of numbers, read in the format's row and column order."""
    block = table.blocks_in(version)[0]
    cells_wanted = len(block.rows) * len(block.columns)
    for section, candidate in tables:
        if section != table.section and not _mentions(candidate, block.rows[0].label):
            continue
        for grid_row in candidate.rows:
            run = _longest_value_run(grid_row)
            if len(run) < cells_wanted:
                continue
            run = _fit(run, cells_wanted) or run[:cells_wanted]
            figures = []
            positions = [(row, column) for row in block.rows for column in block.columns]
            for (row, column), raw in zip(positions, run):
                value, unit = parse_value(raw, column.unit)
                figures.append(Figure(table.number, block.key, row.key, column.key, value, unit, clean(raw)))
            return figures
    return []


def _mentions(table: Table, word: str) -> bool:
    return any(cell and word in cell for row in table.rows for cell in row)


def _longest_value_run(cells: list[str | None]) -> list[str]:
    best: list[str] = []
    run: list[str] = []
    for cell in cells:
        if cell is None:
            continue
        if is_value(cell):
            run.append(cell)
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    return best


def _unrecognised(segment: _Segment) -> ReportWarning:
    return ReportWarning(
        "table",
        f"a table row labelled {segment.label!r} is not in the national format; its cells are not stored",
        {"label": segment.label, "cells": segment.values},
    )


def _missing_rows(fmt: NationalFormat, figures: list[Figure], version: str) -> list[ReportWarning]:
    found = {(f.table, f.row) for f in figures}
    warnings = []
    for table in fmt.tables:
        missing = []
        for block in table.blocks_in(version):
            for row in block.rows_in(version):
                if row.group or (table.number, row.key) in found:
                    continue
                if row.parent and (table.number, row.parent) in found:
                    continue  # e.g. （六）其他处理 published as one row without its sub-rows
                children = block.children(row.key, version)
                if children and all((table.number, c.key) in found for c in children):
                    continue
                missing.append(row.label)
        if missing and len(missing) == sum(
            1 for b in table.blocks_in(version) for r in b.rows_in(version) if not r.group
        ):
            warnings.append(
                ReportWarning("table", f"Table {table.number} ({table.title}) was not found", {"table": table.number})
            )
        elif missing:
            warnings.append(
                ReportWarning(
                    "table",
                    f"Table {table.number}: rows not found: {'、'.join(missing)}",
                    {"table": table.number, "rows": missing},
                )
            )
    return warnings
