"""The report as a PDF-to-markdown converter leaves it: hard-wrapped lines and tables as pipe rows.

Modelled on shanghai-bangongting-2025-derived.md in the shared corpus (see its notes in the
corpus MANIFEST): each table row a ``| a | b |`` line, a ``|---|`` separator after the first
row of each run of rows, merged cells printed once and the rows they cover shorter. The layout's
markdown options add the converter's damage one shape at a time.
"""

from __future__ import annotations

from ingest.nationalformat import national_format
from reportgen.cells import printed_cells
from reportgen.layout import PLAIN, Layout
from reportgen.render.grid import (
    CONTENT_HEADER,
    Grid,
    Slot,
    header_rows,
    wrap_long_labels,
)
from reportgen.render.page import sections, subtitle, title_lines
from reportgen.render.style import Style, label, style_of
from reportgen.report import SyntheticReport
from reportgen.tables import Cell, CellKey

_WIDTH = 29  # characters a line, as the converter wraps the page's text
_LABEL_WIDTH = 18  # characters a line of a label printed outside its table
_PAGE_LINES = 34  # lines of text a page holds, for the page footers
_ROW_LINES = 2  # a table row takes the height of two lines of text
_WRAP_FROM = 20  # a Table 3 row label this long wraps into a row of its own (wrapped_labels)
_CHINESE_NUMBERS = "〇一二三四五六七八九十"


class _Page:
    """The lines written so far, with a page footer — N — after every _PAGE_LINES lines of text."""

    def __init__(self, footers: bool):
        self.lines: list[str] = []
        self.footers = footers
        self.number = 1
        self.on_page = 0
        self.turned = False  # a footer came after the last line

    def add(self, line: str, height: int = 1) -> None:
        self.lines.append(line)
        if not line:
            return
        self.on_page += height
        if self.footers and self.on_page >= _PAGE_LINES:
            self.lines.append(f"— {self.number} —")
            self.number += 1
            self.on_page = 0
            self.turned = True

    def text(self, text: str, width: int = _WIDTH) -> None:
        for start in range(0, len(text), width):
            self.add(text[start: start + width])


def render_markdown(report: SyntheticReport, layout: Layout = PLAIN) -> str:
    """The report as converted markdown: title, wrapped paragraphs, pipe tables, signature."""
    style = style_of(report, layout)
    cells = printed_cells(report, layout)
    page = _Page(layout.page_footers)
    title = title_lines(report, layout)
    if layout.title_hash:
        title[0] = f"# {title[0]}"
    for line in title:
        page.add(line)
    if layout.subtitle:
        page.add(subtitle(report))
    for heading, paragraphs, grid in sections(report, layout):
        page.add("")
        page.add(heading)
        for paragraph in paragraphs:
            page.text(paragraph)
            page.add("")
        if grid is not None:
            _table(page, grid, cells, style, layout, report.version)
            page.add("")
    page.add(report.body)
    page.add(style.signed)
    return "\n".join(page.lines)


def _table(page: _Page, grid: Grid, cells: dict[CellKey, Cell], style: Style, layout: Layout, version: str) -> None:
    """One table: text lines for what the converter detached, then runs of pipe rows."""
    if grid.table == 2 and layout.broken_table2:
        _broken_table2(page, cells, style, layout, version)
        return
    if grid.table == 3 and layout.wrapped_labels:
        grid = wrap_long_labels(grid, _WRAP_FROM)
    top = header_rows(grid)
    rows = [_row_cells(grid, r, cells, style, layout) for r in range(grid.nrows)]
    if grid.table == 4 and layout.glued_table4:
        for line in _glued_header(grid, style):
            page.add(line)
        rows = rows[top:]
        top = 0
    # A wrapped label's row has no figures: the converter takes it for text between two tables.
    wrapped = grid.table == 3 and layout.wrapped_labels
    detached = frozenset(r for r in range(top, grid.nrows) if wrapped and not _has_figure(grid.rows[r]))
    heading = f"## 表{_CHINESE_NUMBERS[grid.table]}：{national_format().table(grid.table).title}"
    _pipe_rows(page, rows, heading, layout, detached)


def _pipe_rows(
    page: _Page, rows: list[list[str]], heading: str, layout: Layout, detached: frozenset[int] = frozenset()
) -> None:
    """Rows as pipe lines in runs, a separator after each run's first row; a detached row as text.

    A run is padded to its widest row. A page footer inside a run starts a new one, as the
    converter makes each page's part of a table a table of its own.
    """
    runs: list[tuple[bool, list[list[str]]]] = []  # (detached as text, rows)
    for r, cells in enumerate(rows):
        as_text = r in detached
        last = runs[-1] if runs else None
        if last is None or as_text or last[0] or (layout.md_chunks and len(cells) != len(last[1][-1])):
            runs.append((as_text, []))
        runs[-1][1].append(cells)
    for as_text, run in runs:
        if as_text:
            for text in run[0]:
                page.text(text, _LABEL_WIDTH)
            continue
        width = max(len(cells) for cells in run)
        opens = True
        for cells in run:
            if opens and layout.md_headings:
                page.add(heading)
            line = "| " + " | ".join(cells + [""] * (width - len(cells))) + " |"
            if opens:
                line += "\n|" + "---|" * width  # one entry: no page footer between a row and its rule
            page.turned = False
            page.add(line, _ROW_LINES)
            opens = page.turned


def _has_figure(row: tuple[Slot, ...]) -> bool:
    """Whether a grid row holds any figure (else it is a header or a wrapped label's row)."""
    return any(s.key is not None for s in row)


def _row_cells(grid: Grid, r: int, cells: dict[CellKey, Cell], style: Style, layout: Layout) -> list[str]:
    """The cells the converter sees in one grid row: anchors only, group labels maybe in pieces."""
    placed: list[tuple[int, str]] = []
    for slot in grid.rows[r]:
        if slot.role == "filler" or (slot.role == "group" and layout.split_group_labels and _pieces(slot)):
            continue
        placed.append((slot.col, cells[slot.key][1] if slot.key is not None else label(slot, style, grid.table)))
    if layout.split_group_labels:
        for row in grid.rows[: r + 1]:
            for slot in row:
                pieces = _pieces(slot) if slot.role == "group" else []
                start = slot.row + (slot.rowspan - len(pieces)) // 2
                if pieces and start <= r < start + len(pieces):
                    placed.append((slot.col, label(Slot(0, 0, 1, 1, "group", pieces[r - start]), style, grid.table)))
    return [text for _, text in sorted(placed, key=lambda p: p[0])]


def _pieces(slot: Slot) -> list[str]:
    """A group label as a vertically centred cell comes out of a PDF: in two or three pieces."""
    count = 2 if len(slot.text) <= 8 else 3
    if slot.rowspan < count:
        return []
    size = -(-len(slot.text) // count)
    return [slot.text[i: i + size] for i in range(0, len(slot.text), size)]


def _glued_header(grid: Grid, style: Style) -> list[str]:
    """Table 4's header as the converter glues it: each level's words run together, column
    labels broken after two characters (结果 / 维持)."""
    top = header_rows(grid)
    labels = [[s for s in grid.rows[r] if s.key is None] for r in range(top)]
    columns = [s for row in labels for s in row if s.colspan == 1]
    groups = ["".join(label(s, style, 4) for s in row if s.colspan > 1) for row in labels]
    heads = [label(s, style, 4) for s in sorted(columns, key=lambda s: s.col)]
    return [g for g in groups if g] + ["".join(h[:2] for h in heads), "".join(h[2:] for h in heads)]


def _broken_table2(page: _Page, cells: dict[CellKey, Cell], style: Style, layout: Layout, version: str) -> None:
    """Table 2 as the converter broke it: the first block's middle column detached above the table
    (its cells wrapped), the other blocks as lines of text, the first block's rows a number short."""
    blocks = national_format().table(2).blocks_in(version)
    first = blocks[0]
    middle = first.columns[len(first.columns) // 2]
    page.add(label(Slot(0, 0, 1, 1, "block", first.label), style, 2))
    for row in first.rows_in(version):
        page.add(cells[(2, first.key, row.key, middle.key)][1])
        page.add("（含修订件数）")
    for block in blocks[1:]:
        page.add(label(Slot(0, 0, 1, 1, "block", block.label), style, 2))
        page.add(CONTENT_HEADER + "".join(label(Slot(0, 0, 1, 1, "column", c.label), style, 2) for c in block.columns))
        for row in block.rows_in(version):
            values = " ".join(cells[(2, block.key, row.key, c.key)][1] for c in block.columns)
            page.add(f"{label(Slot(0, 0, 1, 1, 'row', row.label, row.also), style, 2)} {values}")
    header = [CONTENT_HEADER] + [label(Slot(0, 0, 1, 1, "column", c.label), style, 2) for c in first.columns]
    rows = [header] + [
        [label(Slot(0, 0, 1, 1, "row", row.label, row.also), style, 2)]
        + [cells[(2, first.key, row.key, c.key)][1] for c in first.columns if c is not middle]
        for row in first.rows_in(version)
    ]
    heading = f"## 表{_CHINESE_NUMBERS[2]}：{national_format().table(2).title}"
    for cells_of_row in rows:  # each row its own run, as the converter cut them
        _pipe_rows(page, [cells_of_row], heading, layout)
