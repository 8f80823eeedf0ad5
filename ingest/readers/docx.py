"""Word (.docx) documents: paragraphs and tables in document order.

The zip's directory is checked before python-docx opens anything: its stated sizes bound
what unzipping yields (zipfile stops at the stated size and checks the CRC), so a zip bomb
is refused by its numbers, without inflating a byte.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from config import Limits
from ingest.document import Block, Document, Paragraph, Table
from ingest.errors import UnsupportedFile
from ingest.limits import check_table_cells, current_limits, megabytes, over_limit

# Small parts may compress as well as they like; the ratio limit is for the large ones.
_RATIO_FROM = 1024 * 1024


def read(path: Path, data: bytes, limits: Limits | None = None) -> Document:
    """Read the body; merged table cells appear once, in their first position."""
    import docx
    from docx.table import Table as DocxTable

    limits = limits or current_limits()
    check_zip(path, data, limits)
    try:
        document = docx.Document(BytesIO(data))
    except MemoryError:
        raise
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors...
        raise UnsupportedFile(path, f"a damaged Word document ({_short(error)})") from None
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            blocks.append(Table(rows=_grid(item, path, limits.max_table_cells)))
        elif item.text.strip():
            blocks.append(Paragraph(item.text.strip()))
    hints = {}
    if document.core_properties.title:
        hints["title"] = document.core_properties.title
    return Document(blocks=blocks, kind="docx", hints=hints)


def check_zip(path: Path, data: bytes, limits: Limits) -> None:
    """Refuse a zip whose parts would inflate past the limits, from its directory alone."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnsupportedFile(path, f"a damaged Word document ({_short(error)})") from None
    total = sum(part.file_size for part in parts)
    if total > limits.max_inflated_mb * 1024 * 1024:
        raise over_limit(path, f"inflates to {megabytes(total)}", f"{limits.max_inflated_mb} MB", "max_inflated_mb")
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM and ratio > limits.max_zip_ratio:
            found = f"its part {part.filename} inflates {ratio:.0f} times"
            raise over_limit(path, found, f"{limits.max_zip_ratio} times", "max_zip_ratio")


def _grid(table, path: Path, max_cells: int) -> list[list[str | None]]:
    """Rows of cells, None where a merged cell continues (to the right, or down from above).

    Walks the XML once, keeping the cell that starts at each grid column of the row above:
    python-docx's own `row.cells` looks a vertical merge up row by row, which is quadratic.
    """
    from docx.table import _Cell

    rows: list[list[str | None]] = []
    above: dict[int, object] = {}  # grid column -> the cell starting there in the row above
    cells = 0
    for tr in table._tbl.tr_lst:
        row: list[str | None] = []
        here: dict[int, object] = {}
        column = tr.grid_before
        for tc in tr.tc_lst:
            span = max(tc.grid_span, 1)
            check_table_cells(path, cells + len(row) + span, max_cells)  # before a huge span is made
            merged_from = above.get(column) if tc.vMerge == "continue" else None
            if merged_from is not None:
                row.extend([None] * span)
                here[column] = merged_from
            else:
                row.append("".join(_Cell(tc, table).text.split()))
                row.extend([None] * (span - 1))
                here[column] = tc
            column += span
        rows.append(row)
        cells += len(row)
        above = here
    return rows


def _short(error: BaseException) -> str:
    """An error's message as a short phrase, without the class name."""
    text = " ".join(str(error).split()).strip("'\"")
    return text[:100] or "its parts cannot be read"
