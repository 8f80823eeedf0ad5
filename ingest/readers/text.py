"""Text copied from a web page: one table cell a line, blank cells as extra empty lines."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.document import Block, Document, Paragraph, Table
from ingest.nationalformat import section_number
from ingest.values import is_value

_SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";")
# A cell this long is prose, unless the format knows it as a label.
_MAX_CELL = 45


def read(path: Path, text: str) -> Document:
    """Split the copy into cells, then runs of cells into tables and the rest into paragraphs."""
    return Document(blocks=blocks_from_cells(split_cells(text)), kind="text")


def split_cells(text: str) -> list[str]:
    """Cells in order, ``""`` for a blank one.

    In a copied page one empty line separates two cells and each further empty line is a
    blank cell: counting them is the only way to keep the columns of a row aligned.
    Consecutive non-empty lines are one cell whose text wrapped. A text without empty
    lines between its lines has one cell (or paragraph) a line.
    """
    lines = [_strip(line) for line in re.split(r"\r\n|\r|\n", text)]
    non_empty = sum(1 for line in lines if line)
    separated = non_empty and (len(lines) - non_empty) >= non_empty * 0.5
    cells: list[str] = []
    current: list[str] = []
    empties = 0
    for line in lines:
        if not line:
            if current:
                cells.append("".join(current))
                current = []
            empties += 1
            continue
        if not separated:
            cells.append(line)
            continue
        if current and empties == 0:
            current.append(line)
            continue
        if cells and empties >= 2:
            cells.extend([""] * (empties - 1))
        current = [line]
        empties = 0
    if current:
        cells.append("".join(current))
    return cells


def blocks_from_cells(cells: list[str]) -> list[Block]:
    """Runs of short cells holding numbers become a table; everything else a paragraph."""
    blocks: list[Block] = []
    run: list[str] = []

    def flush() -> None:
        if sum(1 for cell in run if cell and is_value(cell)) >= 3:
            blocks.append(Table(rows=[list(run)]))
        else:
            blocks.extend(Paragraph(cell) for cell in run if cell)
        run.clear()

    for cell in cells:
        if section_number(cell) is not None or _is_prose(cell):
            flush()
            blocks.append(Paragraph(cell))
        else:
            run.append(cell)
    flush()
    return blocks


def _is_prose(cell: str) -> bool:
    return len(cell) > _MAX_CELL or cell.endswith(_SENTENCE_END) or "。" in cell


def _strip(line: str) -> str:
    return line.strip().strip("\u3000\xa0\ufeff").strip()
