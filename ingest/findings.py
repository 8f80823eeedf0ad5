"""What does not add up in a report: its sums, its prose against its tables, its carry-over from last year.

Findings never change a published number; they are stored with the report and shown with
the answers they touch, so a reader of a figure knows the report disagrees with itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from config import config_file
from ingest.model import Figure, Finding, Number, ParsedReport
from ingest.nationalformat import cell_labels, fold, national_format
from ingest.validate import check_sums, row_value
from ingest.values import format_number

# Between the words and the number: 受理政府信息公开申请共17件, 办结 1191 件.
_LINK = r"\s*(?:共|总计|合计|了|为|数为|数量为|[:：])?\s*"
# Possessive, and never starting inside a run of digits: a long run of digits costs linear time.
_NUMBER = r"(?<![\d,])(\d[\d,]*+)\s*件"


@dataclass(frozen=True)
class _ProseFigure:
    table: int
    row: str
    column: str
    pattern: re.Pattern[str]
    or_with: tuple[str, ...] = ()  # rows the prose may count in too


@cache
def _prose_figures() -> tuple[_ProseFigure, ...]:
    aliases = tomllib.loads(config_file("aliases.toml"))
    found = []
    for cell, words in aliases["prose_figures"].items():
        table, row, column = cell.split(".")
        also = tuple(words.get("or_with", ()))
        for word in words.get("before", ()):
            pattern = re.compile(re.escape(fold(word)) + _LINK + _NUMBER)
            found.append(_ProseFigure(int(table), row, column, pattern, also))
        for word in words.get("after", ()):
            pattern = re.compile(_NUMBER + r"\s*(?:申请)?" + re.escape(fold(word)))
            found.append(_ProseFigure(int(table), row, column, pattern, also))
    return tuple(found)


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    """Rows the everyday words treat as one (行政诉讼 = its two kinds), by row key."""
    groups = tomllib.loads(config_file("aliases.toml"))["groups"]
    return {k.split(".", 1)[1]: tuple(v.split(".", 1)[1] for v in vs) for k, vs in groups.items()}


def report_findings(report: ParsedReport) -> list[Finding]:
    """The sums that break and the prose that disagrees with the tables (carry-over needs last year: `carry_over`)."""
    if report.format not in ("2019", "2021"):
        return []
    return check_sums(report.figures, report.format) + prose_findings(report)


def prose_findings(report: ParsedReport) -> list[Finding]:
    """A sentence that states a figure the tables also hold, with another number (受理申请17件 vs 95)."""
    findings: list[Finding] = []
    seen: set[tuple[int, str, str, Number]] = set()
    for passage in report.passages:
        text = fold(passage.text)
        for prose in _prose_figures():
            for match in prose.pattern.finditer(text):
                stated = int(match.group(1).replace(",", ""))
                held = table_value(report.figures, report.format, prose.table, prose.row, prose.column)
                key = (prose.table, prose.row, prose.column, stated)
                if held is None or key in seen or stated in _readings(report, prose, held):
                    continue
                seen.add(key)
                sentence = _sentence(text, match.start(), match.end())
                row_path, column_label = _labels(report.format, prose.table, prose.row, prose.column)
                findings.append(
                    Finding(
                        "prose",
                        f"正文说“{sentence}”，而表{prose.table}“{row_path}”（{column_label}）为 {format_number(held)}",
                        {
                            "table": prose.table,
                            "row": prose.row,
                            "column": prose.column,
                            "prose": stated,
                            "table_value": held,
                            "sentence": sentence,
                        },
                    )
                )
    return findings


def _readings(report: ParsedReport, prose: _ProseFigure, held: Number) -> set[Number]:
    """The numbers the prose may state for the cell: its value, and its value with the rows it may count in."""
    readings = {held}
    extra = [table_value(report.figures, report.format, prose.table, row, prose.column) for row in prose.or_with]
    if extra and all(value is not None for value in extra):
        readings.add(held + sum(extra))  # type: ignore[arg-type]
    return readings


def carry_over(
    this_year: dict[tuple[str, str], Number | None],
    version: str,
    year: int,
    last_year: dict[tuple[str, str], Number | None],
    previous_version: str,
) -> Finding | None:
    """This year's 上年结转 against last year's 结转下年度继续办理, column by column (the 2021 format's
    rule); each year's Table 3 as {(row, column): value}."""
    if version != "2021" or previous_version not in ("2019", "2021"):
        return None
    block = national_format().table(3).blocks_in(version)[0]
    differing = []
    for column in block.columns:
        carried_over, carried_forward = this_year.get(("carried_over", column.key)), last_year.get(("carried_forward", column.key))
        if carried_over is None or carried_forward is None or carried_over == carried_forward:
            continue
        differing.append({"column": column.key, "label": column.label, "this_year": carried_over, "last_year": carried_forward})
    if not differing:
        return None
    over, forward = block.row("carried_over").label, block.row("carried_forward").label
    parts = "；".join(f"{d['label']}：{format_number(d['this_year'])} 对 {format_number(d['last_year'])}" for d in differing)
    return Finding(
        "carry-over",
        f"{year}年的“{over}”与{year - 1}年的“{forward}”不一致（{parts}）",
        {"table": 3, "rows": ["carried_over", "carried_forward"], "previous_year": year - 1, "columns": differing},
    )


def table_value(figures: list[Figure], version: str, table: int, row: str, column: str) -> Number | None:
    """A cell's value; a heading row (or a group of rows people name as one) adds up its rows."""
    cells = {(f.table, f.row, f.column): f.value for f in figures}
    blocks = [b for b in national_format().table(table).blocks_in(version) if any(r.key in (row, *_groups().get(row, ())) for r in b.rows)]
    if not blocks:
        return None
    total: Number = 0
    for key in _groups().get(row, (row,)):
        value = row_value(cells, table, blocks[0], version, key, column)
        if value == "missing" or value is None:
            return None
        total += value  # type: ignore[operator]
    return total


def _labels(version: str, table: int, row: str, column: str) -> tuple[str, str]:
    block = next(b for b in national_format().table(table).blocks_in(version) if any(r.key in (row, *_groups().get(row, ())) for r in b.rows))
    if row in _groups():
        first = block.row(_groups()[row][0])
        return first.group_label or row, block.column(column).label
    return cell_labels(version, table, block.key, row, column)


def _sentence(text: str, start: int, end: int) -> str:
    """The clause around a match, from the previous mark to the next one."""
    # The text is folded (NFKC): its commas and brackets are half-width.
    left = max(text.rfind(mark, 0, start) for mark in ",。;:(") + 1
    rights = [i for i in (text.find(mark, end) for mark in ",。;)") if i >= 0]
    return text[left : min(rights) if rights else len(text)].strip()
