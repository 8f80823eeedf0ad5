"""Table layout: one grid per table and version, as real pages lay the tables out with rowspan/colspan.

The text copy is this grid read row by row, anchor cells only; HTML, Word and PDF draw it, so
every rendering of one report agrees cell for cell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from ingest.nationalformat import national_format
from reportgen.cells import collapsible_rows
from reportgen.tables import CellKey, version_spec

# Printed header cells that the format data does not carry. They name no figure, so no reader
# looks for them and ingest/national_format.toml, which holds what the parser matches, has no
# place for them: they are text of the page, like its navigation.
CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
CONTENT_HEADER = "信息内容"


@dataclass(frozen=True)
class Slot:
    """A printed cell: its anchor, its spans, and either a label or the figure it shows."""

    row: int
    col: int
    rowspan: int
    colspan: int
    role: str  # corner, block, header, column, group, row, value; filler: an empty cell a layout adds
    text: str = ""
    alts: tuple[str, ...] = ()  # other printed forms of a row label (规范性文件 / 行政规范性文件)
    key: CellKey | None = None


@dataclass(frozen=True)
class Grid:
    """One table as printed: its slots row by row, and how wide each column is drawn."""

    table: int
    nrows: int
    ncols: int
    rows: tuple[tuple[Slot, ...], ...]  # slots anchored in each grid row, left to right
    widths: tuple[float, ...]  # relative column widths for Word and PDF


def _make_grid(table: int, slots: list[Slot], widths: list[float]) -> Grid:
    """A grid from its slots, grouped by the row they are anchored in."""
    nrows = max(s.row + s.rowspan for s in slots)
    rows: list[list[Slot]] = [[] for _ in range(nrows)]
    for slot in slots:
        rows[slot.row].append(slot)
    ordered = tuple(tuple(sorted(r, key=lambda s: s.col)) for r in rows)
    return Grid(table, nrows, len(widths), ordered, tuple(widths))


def _grid2(version: str) -> Grid:
    """Table 2: each block a heading row across the table, a header row, then its rows."""
    blocks = national_format().table(2).blocks_in(version)
    ncols = 1 + max(len(b.columns) for b in blocks)
    slots: list[Slot] = []
    r = 0
    for block in blocks:
        slots.append(Slot(r, 0, 1, ncols, "block", block.label))
        slots.append(Slot(r + 1, 0, 1, 1, "header", CONTENT_HEADER))
        last = len(block.columns) - 1
        # A block with fewer columns than the table lets its last column take up the rest.
        spans = [ncols - 1 - last if j == last else 1 for j in range(len(block.columns))]
        for j, col in enumerate(block.columns):
            slots.append(Slot(r + 1, 1 + j, 1, spans[j], "column", col.label))
        r += 2
        for row in block.rows_in(version):
            slots.append(Slot(r, 0, 1, 1, "row", row.label, row.also))
            for j, col in enumerate(block.columns):
                slots.append(Slot(r, 1 + j, 1, spans[j], "value", key=(2, block.key, row.key, col.key)))
            r += 1
    return _make_grid(2, slots, [3.0] + [2.0] * (ncols - 1))


def _grid3(version: str, collapse: bool) -> Grid:
    """Table 3: corner note over the label columns, grouped column headers, nested row groups.

    With ``collapse``, a group the format lets reports print as one row (（六）其他处理 in 2021) is one.
    """
    spec = version_spec(version)
    block = spec.table3
    leaves, children = spec.leaves3, spec.children3
    if collapse:
        merged = collapsible_rows(version)
        leaves = tuple(r for r in block.rows_in(version)
                       if r.key in merged or (r.parent not in merged and not r.is_group(version)))
        children = {k: v for k, v in children.items() if k not in merged}
    rows = block.rows_in(version)
    depth: dict[str, int] = {}
    for row in rows:  # parents come before their children in the format
        depth[row.key] = 0 if row.parent is None else depth[row.parent] + 1
    label_cols = max(depth.values()) + 1
    columns = block.columns
    grouped = any(c.group for c in columns)
    header_rows = 3 if grouped else 2
    slots = [
        Slot(0, 0, header_rows, label_cols, "corner", CORNER_NOTE),
        Slot(0, label_cols, 1, len(columns), "block", block.label),
    ]
    seen_groups: set[str] = set()
    for j, col in enumerate(columns):
        if col.group is None:
            slots.append(Slot(1, label_cols + j, header_rows - 1, 1, "column", col.label))
        elif col.group not in seen_groups:
            seen_groups.add(col.group)
            width = sum(1 for c in columns if c.group == col.group)
            slots.append(Slot(1, label_cols + j, 1, width, "column", col.group))
            slots.extend(
                Slot(2, label_cols + j + k, 1, 1, "column", c.label)
                for k, c in enumerate(c for c in columns if c.group == col.group)
            )

    def leaves_under(key: str) -> int:
        return sum(leaves_under(c) for c in children[key]) if key in children else 1

    r = header_rows
    opened: set[str] = set()
    for leaf in leaves:
        ancestors = []
        parent = leaf.parent
        while parent is not None:
            ancestors.append(parent)
            parent = block.row(parent).parent
        for key in reversed(ancestors):
            if key not in opened:  # a group label spans all the leaf rows under it
                opened.add(key)
                slots.append(Slot(r, depth[key], leaves_under(key), 1, "group", block.row(key).label))
        slots.append(Slot(r, depth[leaf.key], 1, label_cols - depth[leaf.key], "row", leaf.label, leaf.also))
        for j, col in enumerate(columns):
            slots.append(Slot(r, label_cols + j, 1, 1, "value", key=(3, block.key, leaf.key, col.key)))
        r += 1
    return _make_grid(3, slots, [1.3] * (label_cols - 1) + [6.0] + [1.5] * len(columns))


def _grid4(version: str) -> Grid:
    """Table 4: one row of figures under two header levels (行政复议 | 行政诉讼 › 未经复议直接起诉 …)."""
    block = version_spec(version).table4
    rows = block.rows_in(version)
    n = len(block.columns)
    top, middle, bottom = [], [], []
    seen_groups: set[str] = set()
    for i, row in enumerate(rows):
        c = i * n
        if row.group_label is None:
            top.append(Slot(0, c, 1, n, "column", row.label))
            middle.extend(Slot(1, c + j, 2, 1, "column", col.label) for j, col in enumerate(block.columns))
        else:
            if row.group_label not in seen_groups:
                seen_groups.add(row.group_label)
                width = sum(1 for r in rows if r.group_label == row.group_label)
                top.append(Slot(0, c, 1, n * width, "column", row.group_label))
            middle.append(Slot(1, c, 1, n, "column", row.label))
            bottom.extend(Slot(2, c + j, 1, 1, "column", col.label) for j, col in enumerate(block.columns))
    values = [
        Slot(3, i * n + j, 1, 1, "value", key=(4, block.key, row.key, col.key))
        for i, row in enumerate(rows)
        for j, col in enumerate(block.columns)
    ]
    return _make_grid(4, top + middle + bottom + values, [1.0] * (n * len(rows)))


@cache
def grids(version: str, collapse: bool = False) -> dict[int, Grid]:
    """Section number -> the grid of the table printed in it (``collapse``: see _grid3)."""
    fmt = national_format()
    tables = (_grid2(version), _grid3(version, collapse), _grid4(version))
    return {fmt.table(g.table).section: g for g in tables}


# ---------------------------------------------------------------- reshaped grids, for layouts


def header_rows(grid: Grid) -> int:
    """How many rows the header takes: the rows above the first figure."""
    return next(r for r, row in enumerate(grid.rows) if any(s.key is not None for s in row))


def wrap_long_labels(grid: Grid, min_length: int) -> Grid:
    """Each row label of ``min_length`` characters or more in a row of its own, empty cells beside it,
    and its figures in the next row under an empty label cell; group labels span the added rows."""
    wrapped = {r for r, row in enumerate(grid.rows) for s in row if s.role == "row" and len(s.text) >= min_length}
    new_row, shift = [], 0
    for r in range(grid.nrows):
        new_row.append(r + shift)
        shift += r in wrapped
    slots: list[Slot] = []
    for r, row in enumerate(grid.rows):
        for slot in row:
            last = slot.row + slot.rowspan - 1
            end = new_row[last] + (last in wrapped)
            top = new_row[r]
            if r in wrapped and slot.key is not None:
                slots.append(Slot(top, slot.col, 1, slot.colspan, "filler"))
                slots.append(replace(slot, row=top + 1))
            elif r in wrapped and slot.role == "row":
                slots.append(replace(slot, row=top))
                slots.append(Slot(top + 1, slot.col, 1, slot.colspan, "filler"))
            else:
                slots.append(replace(slot, row=top, rowspan=end - top + 1))
    return _make_grid(grid.table, slots, list(grid.widths))


def split_rows(grid: Grid, cuts: list[int]) -> list[Grid]:
    """The grid as several grids, cut before each row in ``cuts``; a label spanning a cut leaves an
    empty cell in the rows after it, as a merged cell continued on the next table does."""
    bounds = [0, *cuts, grid.nrows]
    pieces = []
    for start, stop in zip(bounds, bounds[1:]):
        slots: list[Slot] = []
        for row in grid.rows:
            for slot in row:
                last = min(slot.row + slot.rowspan, stop) - 1
                if start <= slot.row < stop:
                    slots.append(replace(slot, row=slot.row - start, rowspan=last - slot.row + 1))
                elif slot.row < start <= last:
                    slots.append(Slot(0, slot.col, last - start + 1, slot.colspan, "filler"))
        pieces.append(_make_grid(grid.table, slots, list(grid.widths)))
    return pieces
