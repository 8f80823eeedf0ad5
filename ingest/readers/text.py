"""Plain text: a page copied from a browser, a converter's markdown, or text wrapped at a width.

Three layouts are told apart by their lines:
- copied from a web page: one table cell a line, an empty line between cells, and a blank
  cell as one more empty line (counting them is the only way to keep a row's columns);
- a PDF-to-markdown converter's output: tables as `| a | b |` rows, page footers and
  headings it inserted, the prose wrapped at the page width;
- wrapped text: paragraphs broken at a fixed width, table rows as `label  1  2  3` lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.document import Block, Document, Paragraph, Table
from ingest.nationalformat import section_number
from ingest.readers.furniture import is_page_number
from ingest.values import is_value

_SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";")
# A cell this long is prose, unless the format knows it as a label.
_MAX_CELL = 45
_CLAUSE = re.compile(r"[，。；！？,;!?：:]")
_MARKDOWN_ROW = re.compile(r"^\|.*\|$")
_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
# A sub-heading opens a paragraph of its own: （一）主动公开方面, 1.…
_SUBHEADING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．])")


def read(path: Path, text: str) -> Document:
    """Read the text in whichever of the three layouts it has."""
    lines = [_strip(line) for line in re.split(r"\r\n|\r|\n", text)]
    if sum(1 for line in lines if _MARKDOWN_ROW.match(line)) >= 3:
        return Document(blocks=_markdown_blocks(lines), kind="text")
    if _cells_separated(lines):
        return Document(blocks=blocks_from_cells(split_cells(lines)), kind="text")
    return Document(blocks=_wrapped_blocks([line for line in lines if not is_page_number(line)]), kind="text")


def _cells_separated(lines: list[str]) -> bool:
    non_empty = sum(1 for line in lines if line)
    return bool(non_empty) and (len(lines) - non_empty) >= non_empty * 0.5


def split_cells(lines: list[str]) -> list[str]:
    """Cells in order, ``""`` for a blank one.

    One empty line separates two cells and each further empty line is a blank cell.
    Consecutive non-empty lines are one cell whose text wrapped.
    """
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
        if cell and (section_number(cell) is not None or _is_prose(cell)):
            flush()
            blocks.append(Paragraph(cell))
        else:
            run.append(cell)
    flush()
    return blocks


def _markdown_blocks(lines: list[str]) -> list[Block]:
    """Markdown tables as tables (rule lines and page footers inside them dropped); the rest as wrapped text."""
    blocks: list[Block] = []
    prose: list[str] = []
    rows: list[list[str | None]] = []
    for line in lines:
        if _MARKDOWN_ROW.match(line):
            if prose:
                blocks.extend(_wrapped_blocks(prose))
                prose = []
            if not _MARKDOWN_RULE.match(line):
                rows.append([cell.strip() for cell in line.strip("|").split("|")])
            continue
        if rows:
            blocks.append(Table(rows=rows))
            rows = []
        if not is_page_number(line):
            prose.append(_MARKDOWN_HEADING.sub("", line))
    if rows:
        blocks.append(Table(rows=rows))
    blocks.extend(_wrapped_blocks(prose))
    return blocks


def _wrapped_blocks(lines: list[str]) -> list[Block]:
    """Paragraphs joined across their wrapped lines; runs of short `label  numbers` lines as a table.

    A line as wide as the text's usual width goes on in the next line; a shorter one ends
    its paragraph, as does a heading.
    """
    width = _usual_width(lines)
    blocks: list[Block] = []
    paragraph: list[str] = []
    rows: list[list[str | None]] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(Paragraph("".join(paragraph)))
            paragraph.clear()

    def flush_rows() -> None:
        if any(len(row) > 1 for row in rows):
            blocks.append(Table(rows=list(rows)))
        else:
            blocks.extend(Paragraph(str(row[0])) for row in rows)
        rows.clear()

    for line in lines:
        if not line:
            flush_paragraph()
            continue
        row = _table_line(line)
        # A line as wide as the text is wrapped prose, unless it carries numbers.
        if row is not None and not paragraph and (len(row) > 1 or len(line) < width * 0.8):
            rows.append(row)
            continue
        flush_rows()
        heading = section_number(line) is not None or (_SUBHEADING.match(line) and not _CLAUSE.search(line))
        if heading:
            flush_paragraph()
        paragraph.append(line)
        if heading or len(line) < width * 0.8 or line.endswith(_SENTENCE_END) and len(line) < width * 0.9:
            flush_paragraph()
    flush_paragraph()
    flush_rows()
    return blocks


def _table_line(line: str) -> list[str | None] | None:
    """A short line without clause marks read as a table row: `行政许可 0` → ['行政许可', '0']; else None."""
    if len(line) > _MAX_CELL or _CLAUSE.search(line) or section_number(line) is not None:
        return None
    parts = line.split()
    values = 0
    while values < len(parts) and is_value(parts[-1 - values]):
        values += 1
    if values == len(parts):
        return list(parts)  # numbers whose label is elsewhere
    if values == 0:
        return [line]
    return [" ".join(parts[: len(parts) - values]), *parts[len(parts) - values :]]


def _usual_width(lines: list[str]) -> int:
    """The commonest length among long lines: the width the text was wrapped at."""
    counts: dict[int, int] = {}
    for line in lines:
        if len(line) >= 15:
            counts[len(line)] = counts.get(len(line), 0) + 1
    return max(counts, key=lambda n: (counts[n], n)) if counts else 1_000


def _is_prose(cell: str) -> bool:
    return len(cell) > _MAX_CELL or cell.endswith(_SENTENCE_END) or "。" in cell


def _strip(line: str) -> str:
    return line.strip().strip("\u3000\xa0\ufeff").strip()
