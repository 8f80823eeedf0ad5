"""The sums the format requires (勾稽关系), checked on published figures, never corrected."""

from __future__ import annotations

from ingest.model import Figure, Finding, Number
from ingest.nationalformat import Block, Check, national_format
from ingest.values import format_number


def check_sums(figures: list[Figure], version: str) -> list[Finding]:
    """One finding for each sum that does not hold, with the numbers on both sides."""
    fmt = national_format()
    cells = {(f.table, f.row, f.column): f.value for f in figures}
    findings = []
    for check in fmt.checks:
        blocks = fmt.table(check.table).blocks_in(version)
        if not blocks:
            continue
        block = blocks[0]
        if check.per == "column":
            for column in block.columns:
                sides = [
                    [row_value(cells, check.table, block, version, row, column.key) for row in side]
                    for side in (check.left, check.right)
                ]
                finding = _compare(check, sides, f"“{column.label}”列", {"column": column.key})
                if finding:
                    findings.append(finding)
        else:
            for row in block.rows_in(version):
                sides = [[cells.get((check.table, row.key, col)) for col in side] for side in (check.left, check.right)]
                if all(v is None for side in sides for v in side) and not _row_present(cells, check.table, row.key):
                    continue
                label = " / ".join(block.row_path(row.key))
                finding = _compare(check, sides, f"“{label}”行", {"row": row.key})
                if finding:
                    findings.append(finding)
    return findings


def _row_present(cells: dict, table: int, row: str) -> bool:
    return any(key[0] == table and key[1] == row for key in cells)


def row_value(
    cells: dict, table: int, block: Block, version: str, row: str, column: str
) -> Number | None | str:
    """A row's value in a column; a heading row is the sum of its children.

    Returns the marker "missing" when the row was not parsed at all, so that a check is
    skipped rather than reported broken because of a table the parser could not read.
    """
    key = (table, row, column)
    if key in cells:
        return cells[key]
    children = block.children(row, version)
    if not children:
        return "missing"
    values = [row_value(cells, table, block, version, child.key, column) for child in children]
    if any(v == "missing" for v in values):
        return "missing"
    return sum(v or 0 for v in values)  # type: ignore[misc]


def _compare(check: Check, sides: list[list], where: str, detail: dict) -> Finding | None:
    if any(v == "missing" for side in sides for v in side):
        return None
    if all(v is None for side in sides for v in side):
        return None
    # A blank cell adds nothing to a sum; it is still stored blank, never as 0.
    left, right = (_total(side) for side in sides)
    if abs(left - right) < 1e-6:
        return None
    return Finding(
        "sum",
        f"表{check.table}{where}：“{check.name}”不成立（{_show(sides[0], left)} ≠ {_show(sides[1], right)}）",
        {"table": check.table, "check": check.name, "left": left, "right": right, **detail},
    )


def _total(values: list) -> Number:
    return sum(v or 0 for v in values)


def _show(values: list, total: Number) -> str:
    """One side of a sum as printed: its cells, and what they add up to when there are several."""
    terms = " + ".join("空白" if v is None else format_number(v) for v in values)
    # Rounded as sums of printed decimals are (0.1 + 0.2 is 0.3, not 0.30000000000000004).
    return terms if len(values) == 1 else f"{terms} = {format_number(round(total, 6))}"
