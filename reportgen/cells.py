"""Cells as a layout prints them: the text every renderer prints and the value a reader should take.

The report holds each cell once; a layout may print it another way (持平 for 0, 1200余, 无 for a
blank, six decimals), merge rows (（六）其他处理 as one row) or lose it (the markdown converter's
broken Table 2). Renderers print ``printed_cells`` and ``expected_figures`` expects them, so
the generator's truth and its renderings cannot drift apart.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from ingest.nationalformat import Column, national_format
from reportgen.layout import BLANK_MARKS, PLAIN, Layout
from reportgen.tables import Cell, CellKey

if TYPE_CHECKING:
    from reportgen.report import SyntheticReport

# The Table 2 column that prints a change (增35项, 减3项); a key of the format, not a label.
_CHANGE = "change"
_APPROXIMATE_FROM = 100  # counts from here up may be printed 1200余


def printed_cells(report: SyntheticReport, layout: Layout = PLAIN) -> dict[CellKey, Cell]:
    """Every cell as this layout prints it, (value a reader should take, text printed), in published order."""
    if not _changes_cells(layout):
        return report.cells
    cells = _one_row_groups(report) if layout.one_row_other_handling else report.cells
    fmt = national_format()
    out: dict[CellKey, Cell] = {}
    blanks = 0
    for key, (value, raw) in cells.items():
        table, block, _, column = key
        if value is None:
            if layout.blank_marks:
                raw = BLANK_MARKS[blanks % len(BLANK_MARKS)]
                blanks += 1
        elif table == 2:
            value, raw = _table2_cell(report, key, value, raw, fmt.table(2).block(block, report.version).column(column),
                                      layout)
        out[key] = (value, raw)
    return out


def lost_cells(report: SyntheticReport, layout: Layout = PLAIN) -> frozenset[CellKey]:
    """Cells a rendering with this layout loses for good: no reader can place them with certainty."""
    if not layout.broken_table2:
        return frozenset()
    first = national_format().table(2).blocks_in(report.version)[0]
    # A row that lost a cell has too few numbers to tell which column is missing: all of it is lost.
    return frozenset(key for key in report.cells if key[0] == 2 and key[1] == first.key)


def collapsible_rows(version: str) -> frozenset[str]:
    """Table 3 rows that are groups in this version but may be printed as one row (（六）其他处理 in 2021)."""
    block = national_format().table(3).blocks_in(version)[0]
    return frozenset(r.key for r in block.rows_in(version) if version in r.group_in)


def _changes_cells(layout: Layout) -> bool:
    """Whether the layout prints any cell otherwise than the report holds it."""
    return any((layout.one_row_other_handling, layout.long_decimals, layout.blank_marks, layout.unchanged_as_text,
                layout.approximate, layout.units_written))


def _one_row_groups(report: SyntheticReport) -> dict[CellKey, Cell]:
    """The cells with each collapsible group printed as one row: its children summed, in their place."""
    block = national_format().table(3).blocks_in(report.version)[0]
    parent_of = {r.key: r.parent for r in block.rows_in(report.version) if r.parent in collapsible_rows(report.version)}
    out: dict[CellKey, Cell] = {}
    for (table, block_key, row, column), (value, raw) in report.cells.items():
        if table != 3 or row not in parent_of:
            out[(table, block_key, row, column)] = (value, raw)
            continue
        key = (table, block_key, parent_of[row], column)
        total = (out[key][0] if key in out else 0) + (value or 0)  # a blank adds nothing, as the sums read it
        out[key] = (total, str(total))
    return out


def _table2_cell(
    report: SyntheticReport, key: CellKey, value: int | float, raw: str, column: Column, layout: Layout
) -> Cell:
    """A Table 2 cell as the layout prints it."""
    if column.unit == "万元":
        if raw.endswith("元") and not raw.endswith("万元"):
            return value, raw  # printed in 元 (251000元): no decimals to add
        number, suffix = (raw[:-2], "万元") if raw.endswith("万元") else (raw, "")
        if layout.long_decimals and value:
            extra = zlib.crc32(f"{report.title}{key}".encode()) % 10_000
            number = f"{value:.2f}{extra:04d}"  # 5949.088667: what a spreadsheet export leaves
            value = float(number)
        if layout.units_written:
            suffix = "万元"
        return value, number + suffix
    if column.key == _CHANGE:
        return (value, "持平") if layout.unchanged_as_text and value == 0 else (value, raw)
    if layout.approximate and raw.isdigit() and value >= _APPROXIMATE_FROM:
        return value, f"{raw}余"
    return value, raw
