"""Word (.docx) documents: paragraphs and tables in document order."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from ingest.document import Block, Document, Paragraph, Table
from ingest.errors import UnsupportedFile


def read(path: Path, data: bytes) -> Document:
    """Read the body; merged table cells appear once, in their first position."""
    import docx
    from docx.table import Table as DocxTable

    try:
        document = docx.Document(BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors...
        raise UnsupportedFile(path, f"a corrupt or unreadable Word document ({type(error).__name__})") from None
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            blocks.append(Table(rows=_grid(item)))
        elif item.text.strip():
            blocks.append(Paragraph(item.text.strip()))
    hints = {}
    if document.core_properties.title:
        hints["title"] = document.core_properties.title
    return Document(blocks=blocks, kind="docx", hints=hints)


def _grid(table) -> list[list[str | None]]:
    # Keep the elements themselves: an id() is only unique while its object is alive.
    seen: dict[int, object] = {}
    rows = []
    for row in table.rows:
        cells: list[str | None] = []
        for cell in row.cells:
            # python-docx repeats a merged cell in every position it covers.
            if id(cell._tc) in seen:
                cells.append(None)
                continue
            seen[id(cell._tc)] = cell._tc
            cells.append("".join(cell.text.split()))
        rows.append(cells)
    return rows
