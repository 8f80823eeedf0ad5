"""The three standard tables, from whatever cells a reader found, to exact figures.

Rows are found by their printed labels, matched against the national format; the cells
after a label are that row's values. This works the same for a grid (HTML, PDF, DOCX:
one list of cells per row) and for a copied page (one long list of cells), and it does
not depend on where a table starts, how many pieces it was split into, or which section
a reader put it in.

Real copies lose labels: a label wraps over two cells (…只计这一情 / 形，不计其他情形）), sits
in a row of its own above its numbers, or is shredded by a converter. Such a row is placed
only where that is certain: between two rows that were found, the rows printed there must
be exactly the format's rows missing there, in the format's order, and any fragment of a
label left must belong to its row. Anything else is left out with a warning: never a
number in the wrong cell.
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
# A fragment shorter than this says too little to confirm a row's place.
_FRAGMENT_MIN_LENGTH = 3


@dataclass
class _Item:
    """A printed row: its label (None when it has none) and the cells after it.

    `fragments` are label-only cells printed just before it in the same grid row
    (（三）不 | 4.保护第三方合法权益 …): pieces of a wrapped label or of a group's label.
    """

    label: str | None
    values: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    table2_block: Block | None = None  # the Table 2 block heading above it, if any
    grid: int = 0  # which of the reader's tables it was printed in


@dataclass(frozen=True)
class _RowMatch:
    table: int
    block: Block
    row: Row


@dataclass
class _Placed:
    item: _Item
    match: _RowMatch | None = None


def extract_figures(
    tables: list[tuple[int | None, Table]], version: str
) -> tuple[list[Figure], list[ReportWarning]]:
    """Figures of tables 2, 3 and 4 from the report's tables (each with its section)."""
    fmt = national_format()
    # A table published as one row of numbers (Table 4) has no row labels to find.
    single_row = [t for t in fmt.tables if t.single_row]
    items = _items([table for section, table in tables if not any(section == t.section for t in single_row)], version)
    placed = [_Placed(item, _match_row(fmt, item, version)) for item in items]
    warnings = _place_by_order(placed, version)

    figures: list[Figure] = []
    seen: set[tuple[int, str]] = set()
    extra = _extra_cell_sides(placed)
    for entry in placed:
        match, item = entry.match, entry.item
        if match is None:
            if item.label is not None and any(clean(v) for v in item.values):
                warnings.append(_unrecognised(item, version))
            continue
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
        row_figures, problem = _row_figures(match, item.values, extra.get(item.grid))
        if problem:
            warnings.append(problem)
            continue
        seen.add(key)
        figures.extend(row_figures)

    for table in single_row:
        figures.extend(_single_row_figures(table, tables, version))
    warnings.extend(_missing_rows(fmt, figures, version))
    return figures, warnings


# ---------------------------------------------------------------- printed rows


def _items(tables: list[Table], version: str) -> list[_Item]:
    """Every printed row with values, in reading order; wrapped labels joined where that names a row."""
    items: list[_Item] = []
    table2_block: Block | None = None
    pending: list[str] = []  # label-only cells not yet given to a row
    blank_above: _Item | None = None  # a label whose cells were all blank: its numbers may follow
    for grid, table in enumerate(tables):
        for grid_row in table.rows:
            fragments: list[str] = []
            current: _Item | None = None
            for cell in grid_row:
                if cell is None:
                    continue  # covered by a merged cell
                if is_value(cell):
                    if current is None:
                        # Numbers before any label in the row: their label is elsewhere.
                        current = _Item(None, fragments=pending + fragments, table2_block=table2_block, grid=grid)
                        pending, fragments = [], []
                        items.append(current)
                    current.values.append(cell)
                    continue
                block = _table2_block(cell, version)
                if block is not None:
                    table2_block, pending, fragments, current = block, [], [], None
                    continue
                if current is not None and current.values:
                    current = None
                if current is not None:  # a label right after a label: the first had no numbers
                    fragments.append(current.label or "")
                    items.pop()
                current = _Item(cell, fragments=pending + fragments, table2_block=table2_block, grid=grid)
                pending = []
                items.append(current)
            if current is not None and current.label is None and blank_above is not None:
                # A label printed in a row of its own, its numbers in the row below under an empty label cell.
                blank_above.values = current.values
                items.pop()
                current = None
            blank_above = None
            if current is not None and not current.values:
                items.pop()  # a label without numbers: a heading, a group label, or a wrapped piece
                pending = (pending + current.fragments + [current.label or ""])[-3:]
            elif current is not None:
                pending = []
                if current.label is not None and not any(map(clean, current.values)):
                    blank_above = current
    # Numbers with no label and nothing in them (an empty grid row) say nothing.
    return [item for item in items if item.values and (item.label is not None or any(map(clean, item.values)))]


@cache
def _block_labels(version: str) -> dict[str, Block]:
    return {normalize_label(block.label): block for block in national_format().table(2).blocks_in(version)}


def _table2_block(label: str, version: str) -> Block | None:
    return _block_labels(version).get(normalize_label(label))


# ---------------------------------------------------------------- matching labels


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


def _candidates(fmt: NationalFormat, version: str, table2_block: Block | None) -> list[_Labels]:
    candidates = [_labels(version, 3, b.key) for b in fmt.table(3).blocks_in(version)]
    if table2_block is not None:
        candidates.insert(0, _labels(version, 2, table2_block.key))
    return candidates


def _match_row(fmt: NationalFormat, item: _Item, version: str) -> _RowMatch | None:
    """The format's row the item's label names; a wrapped label is tried joined with its pieces."""
    if item.label is None:
        return None
    candidates = _candidates(fmt, version, item.table2_block)
    match = _match_label(candidates, item.label)
    for start in range(len(item.fragments) - 1, -1, -1):
        if match is not None:
            break
        match = _match_label(candidates, "".join(item.fragments[start:]) + item.label)
    return match


def _match_label(candidates: list[_Labels], label: str) -> _RowMatch | None:
    printed = normalize_label(label)
    if not printed:
        return None
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


# ---------------------------------------------------------------- rows placed by their order


def _place_by_order(placed: list[_Placed], version: str) -> list[ReportWarning]:
    """Place rows whose label was lost, where the format's order leaves exactly one place for each."""
    warnings: list[ReportWarning] = []
    anchors = [i for i, entry in enumerate(placed) if entry.match is not None]
    for left, right in zip(anchors, anchors[1:]):
        a, b = placed[left].match, placed[right].match
        assert a is not None and b is not None
        gap = placed[left + 1 : right]
        if not gap or a.table != b.table or a.block.key != b.block.key:
            continue
        leaves = [r for r in a.block.rows_in(version) if not r.is_group(version)]
        keys = [r.key for r in leaves]
        if a.row.key not in keys or b.row.key not in keys or keys.index(a.row.key) >= keys.index(b.row.key):
            continue
        found = {entry.match.row.key for entry in placed if entry.match is not None and entry.match.block is a.block}
        slots = [r for r in leaves[keys.index(a.row.key) + 1 : keys.index(b.row.key)] if r.key not in found]
        if len(slots) == len(gap) and all(_fits(entry.item, slot) for entry, slot in zip(gap, slots)):
            for entry, slot in zip(gap, slots):
                entry.match = _RowMatch(a.table, a.block, slot)
            continue
        for entry in gap:
            warnings.append(
                ReportWarning(
                    "table",
                    f"Table {a.table}: a row printed between {a.row.label} and {b.row.label} "
                    f"({_shown(entry.item)}) cannot be placed with certainty; its cells are not stored",
                    {"table": a.table, "after": a.row.key, "before": b.row.key, "cells": entry.item.values},
                )
            )
            entry.item.label = None  # said here; not again as an unknown label
    return warnings


def _fits(item: _Item, row: Row) -> bool:
    """Whether an item's label, if it kept one, could be a piece of the row's label.

    Label-only cells before it are not asked: they may be a group's label (（三）不予公开)."""
    if item.label is None:
        return True
    piece = normalize_label(item.label)
    return len(piece) >= _FRAGMENT_MIN_LENGTH and any(piece in normalize_label(n) for n in (row.label, *row.also))


def _shown(item: _Item) -> str:
    label = f"{item.label} " if item.label else ""
    return label + " ".join(item.values)


# ---------------------------------------------------------------- cells


def _extra_cell_sides(placed: list[_Placed]) -> dict[int, str]:
    """For each printed table, the side its rows carry an extra blank cell on, where its rows agree.

    A grid may have an empty label column in front, or a converter may add an empty cell at
    the end of every row. A row blank at both ends cannot tell which cell is the extra one;
    the rows of its table that are blank at one end only can.
    """
    sides: dict[int, set[str]] = {}
    for entry in placed:
        if entry.match is None or len(entry.item.values) != len(entry.match.block.columns) + 1:
            continue
        first, last = (clean(entry.item.values[i]) == "" for i in (0, -1))
        if first != last:
            sides.setdefault(entry.item.grid, set()).add("leading" if first else "trailing")
    return {grid: found.pop() for grid, found in sides.items() if len(found) == 1}


def _fit(values: list[str], width: int, extra_side: str | None = None) -> list[str] | None:
    """The row's cells trimmed to the format's width, or None when they cannot be placed.

    Extra cells are tolerated only when blank and at the edges (an empty label column in
    a grid, a converter's empty last cell); when both edges are blank only the table's other
    rows (`extra_side`) can say which one is extra. A row with cells missing is refused, since
    a guess would shift columns.
    """
    cells = list(values)
    while len(cells) > width:
        first, last = clean(cells[0]) == "", clean(cells[-1]) == ""
        if first and (not last or extra_side == "leading"):
            cells.pop(0)
        elif last and (not first or extra_side == "trailing"):
            cells.pop()
        else:
            return None
    return cells if len(cells) == width else None


def _row_figures(
    match: _RowMatch, values: list[str], extra_side: str | None = None
) -> tuple[list[Figure], ReportWarning | None]:
    block, row = match.block, match.row
    if row.group:
        return [], ReportWarning(
            "table",
            f"Table {match.table}: {row.label} is a heading in the format but has numbers; they are not stored",
            {"table": match.table, "row": row.key},
        )
    cells = _fit(values, len(block.columns), extra_side)
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
            run = _fit(_longest_value_run(grid_row), cells_wanted)
            if run is None:
                continue  # too few cells, or more than can be placed for certain
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


def _unrecognised(item: _Item, version: str) -> ReportWarning:
    """A labelled row no row of the format took: unknown, or a Table 2 row away from its block's heading."""
    fmt = national_format()
    homes = [b for b in fmt.table(2).blocks_in(version) if _match_label([_labels(version, 2, b.key)], item.label or "")]
    if homes:
        why = f"is a row of {homes[0].label} printed where that heading is not above it"
    else:
        why = "is not in the national format"
    return ReportWarning(
        "table",
        f"a table row labelled {item.label!r} {why}; its cells are not stored",
        {"label": item.label, "cells": item.values},
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
