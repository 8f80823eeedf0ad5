"""The national report format, loaded from ``national_format.toml``.

This module turns the data file into typed objects and answers the questions every other
module asks of the format: which version a year uses, which rows and columns a table has,
what a cell is called, and how a printed label maps onto a row.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Iterator

NONSTANDARD = "nonstandard"


@dataclass(frozen=True)
class Version:
    key: str
    name: str
    issued_by: str
    first_year: int
    last_year: int | None


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str
    group: str | None = None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    parent: str | None = None
    versions: tuple[str, ...] | None = None
    group: bool = False
    group_in: tuple[str, ...] = ()
    group_label: str | None = None
    also: tuple[str, ...] = ()

    def is_group(self, version: str) -> bool:
        return self.group or version in self.group_in

    def in_version(self, version: str) -> bool:
        return self.versions is None or version in self.versions


@dataclass(frozen=True)
class Block:
    key: str
    label: str
    versions: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def rows_in(self, version: str) -> list[Row]:
        return [r for r in self.rows if r.in_version(version)]

    def children(self, row_key: str, version: str) -> list[Row]:
        return [r for r in self.rows_in(version) if r.parent == row_key]

    def row_path(self, row_key: str) -> tuple[str, ...]:
        """Labels from the outermost group down to the row itself."""
        path: list[str] = []
        row: Row | None = self.row(row_key)
        while row is not None:
            path.append(row.label)
            if row.group_label:
                path.append(row.group_label)
            row = self.row(row.parent) if row.parent else None
        return tuple(reversed(path))


@dataclass(frozen=True)
class Table:
    number: int
    title: str
    section: int
    blocks: tuple[Block, ...]
    single_row: bool = False

    def blocks_in(self, version: str) -> list[Block]:
        return [b for b in self.blocks if version in b.versions]

    def block(self, key: str, version: str) -> Block:
        return next(b for b in self.blocks_in(version) if b.key == key)


@dataclass(frozen=True)
class Check:
    table: int
    per: str  # "row" or "column"
    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(frozen=True)
class CellSpec:
    """One cell of the format: where it is and what it is called."""

    table: Table
    block: Block
    row: Row
    column: Column

    @property
    def row_path(self) -> str:
        labels = self.block.row_path(self.row.key)
        if self.table.number == 2:
            labels = (self.block.label, *labels)
        return " / ".join(labels)


@dataclass(frozen=True)
class NationalFormat:
    versions: tuple[Version, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    checks: tuple[Check, ...]

    def table(self, number: int) -> Table:
        return next(t for t in self.tables if t.number == number)

    def version_for_year(self, year: int) -> str:
        for version in self.versions:
            last = version.last_year if version.last_year is not None else 10_000
            if version.first_year <= year <= last:
                return version.key
        return NONSTANDARD

    def version(self, key: str) -> Version | None:
        return next((v for v in self.versions if v.key == key), None)

    def cells(self, version: str) -> Iterator[CellSpec]:
        """Every cell that carries a figure in this version, in published order."""
        for table in self.tables:
            for block in table.blocks_in(version):
                for row in block.rows_in(version):
                    if row.is_group(version):
                        continue
                    for column in block.columns:
                        yield CellSpec(table, block, row, column)

    def generic_words(self) -> frozenset[str]:
        """Words that are a column's label and a row's label at once (总计, 其他): alone they name no
        row, which is then known only by its numbering (（七）总计, 3.其他)."""
        columns = {c.label for t in self.tables for b in t.blocks for c in b.columns}
        rows = {normalize_label(r.label) for t in self.tables for b in t.blocks for r in b.rows}
        return frozenset(columns & rows)

    def cell(self, version: str, table: int, block: str, row: str, column: str) -> CellSpec:
        blk = self.table(table).block(block, version)
        return CellSpec(self.table(table), blk, blk.row(row), blk.column(column))


@cache
def cell_labels(version: str, table: int, block: str, row: str, column: str) -> tuple[str, str]:
    """A cell's row path and column label in the format's own words (looked up once)."""
    spec = national_format().cell(version, table, block, row, column)
    return spec.row_path, spec.column.label


def _row(data: dict) -> Row:
    return Row(
        key=data["key"],
        label=data["label"],
        parent=data.get("parent"),
        versions=tuple(data["versions"]) if "versions" in data else None,
        group=data.get("group", False),
        group_in=tuple(data.get("group_in", ())),
        group_label=data.get("group_label"),
        also=tuple(data.get("also", ())),
    )


def _block(data: dict) -> Block:
    return Block(
        key=data["key"],
        label=data["label"],
        versions=tuple(data["versions"]),
        columns=tuple(Column(c["key"], c["label"], c["unit"], c.get("group")) for c in data["columns"]),
        rows=tuple(_row(r) for r in data["rows"]),
    )


@cache
def national_format() -> NationalFormat:
    """The format, parsed once per process."""
    text = resources.files("ingest").joinpath("national_format.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return NationalFormat(
        versions=tuple(
            Version(v["key"], v["name"], v["issued_by"], v["first_year"], v.get("last_year"))
            for v in data["versions"]
        ),
        sections=tuple(Section(s["number"], s["title"], tuple(s["keywords"])) for s in data["sections"]),
        tables=tuple(
            Table(
                number=t["number"],
                title=t["title"],
                section=t["section"],
                single_row=t.get("single_row", False),
                blocks=tuple(_block(b) for b in t["blocks"]),
            )
            for t in data["tables"]
        ),
        checks=tuple(
            Check(c["table"], c["per"], c["name"], tuple(c["left"]), tuple(c["right"]))
            for c in data["checks"]
        ),
    )


# ---------------------------------------------------------------- labels as printed

_NUMBERING = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．]|[（(]\s*\d+\s*[)）])"
)
_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "'": "", "「": "", "」": ""})
_CHINESE_NUMERALS = "一二三四五六七八九十"


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and no white space: how printed labels are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def normalize_label(text: str) -> str:
    """A printed label reduced to its words: no numbering, brackets, quotes or spaces."""
    folded = fold(text)
    folded = _NUMBERING.sub("", folded)
    return folded.translate(_QUOTES).replace("(", "").replace(")", "")


def numbered_label(text: str) -> str:
    """A printed label with its numbering kept but its punctuation unified (3、其他 → 3.其他)."""
    folded = fold(text).translate(_QUOTES)
    return re.sub(r"^(\(?[一二三四五六七八九十\d]+\)?)[、.．]?", r"\1.", folded)


def section_number(text: str) -> int | None:
    """The section a heading line opens (一、总体情况 → 1), or None if it is not one.

    A heading starts with its numeral and names its subject; table rows such as
    四、结转下年度继续办理 start with a numeral too but name no section subject.
    """
    folded = fold(text)
    match = re.match(r"^([一二三四五六七八九十])[、.．]", folded)
    if not match or len(folded) > 40:
        return None
    number = _CHINESE_NUMERALS.index(match.group(1)) + 1
    for section in national_format().sections:
        if section.number == number and any(k in folded for k in section.keywords):
            return number
    return None
