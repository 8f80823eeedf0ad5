"""What a reader makes of a file: paragraphs and tables in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Prose has a clause mark; navigation, signatures, headings and table labels do not.
CLAUSE_MARKS = re.compile(r"[，。；！？,;]")


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """Cells row by row. ``None`` marks a cell covered by a merged neighbour; ``""`` is a
    cell that is there but blank. Text copied from a web page has no row boundaries: it
    arrives as one long row, and the table parser finds the rows by their labels."""

    rows: list[list[str | None]]


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    kind: str  # "text", "html", "pdf", "docx"
    # Metadata a page states outside the report text itself (HTML <title>, 发布日期 fields).
    hints: dict[str, str] = field(default_factory=dict)

    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]
