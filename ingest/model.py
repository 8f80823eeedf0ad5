"""A parsed report: what ingest stores and what answers are made from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

Number = int | float


@dataclass(frozen=True)
class Figure:
    """One table cell as published."""

    table: int
    block: str
    row: str
    column: str
    value: Number | None  # None: the cell is blank (never read as 0)
    unit: str
    raw: str


@dataclass(frozen=True)
class ReportWarning:
    code: str  # "table", "text": what could not be read
    message: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """Something in a report that does not add up, found by checking it against itself or the year before."""

    kind: str  # "sum": a sum of the format; "prose": the text against the tables; "carry-over": against last year
    message: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    section: int  # 0: before section 一
    text: str
    heading: str = ""  # the sub-heading it stands under, for context


@dataclass
class ParsedReport:
    title: str
    body: str
    year: int
    format: str  # "2019", "2021" or "nonstandard"
    source_file: str
    sha256: str
    published: str | None = None
    sections: dict[int, str] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[ReportWarning] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def figure(self, table: int, row: str, column: str, block: str | None = None) -> Figure | None:
        for fig in self.figures:
            if fig.table == table and fig.row == row and fig.column == column:
                if block is None or fig.block == block:
                    return fig
        return None

    def reading(self) -> str:
        """A digest of what was read (not of the file): two readings alike store alike."""
        content = [
            self.title, self.body, self.year, self.format, self.published, sorted(self.sections.items()),
            [(p.section, p.heading, p.text) for p in self.passages],
            [(f.table, f.block, f.row, f.column, f.value, f.unit, f.raw) for f in self.figures],
            [(w.code, w.message) for w in self.warnings],
            [(f.kind, f.message) for f in self.findings],
        ]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
