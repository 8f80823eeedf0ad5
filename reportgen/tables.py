"""Consistent tables: every cell of Tables 2, 3 and 4, drawn so that each sum of the format holds.

The table layout (rows, columns, blocks, groups, sums) is read from ``ingest.nationalformat``;
this module adds only what the format data does not hold: realistic magnitudes and the way
Table 2 cells are printed (增35项, 2694.35万元). Table 3 and 4 are solved from their free
cells, so the format's checks hold by construction.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache

from ingest.nationalformat import Block, Check, Row, national_format
from reportgen.names import Body

CellKey = tuple[int, str, str, str]
Number = int | float
Cell = tuple[Number | None, str]


@dataclass(frozen=True)
class Spec:
    """What generation needs of one format version, derived from ``national_format()``."""

    version: str
    table2: tuple[Block, ...]
    table3: Block
    table4: Block
    leaves3: tuple[Row, ...]  # Table 3 rows that carry cells in this version, in published order
    children3: dict[str, tuple[str, ...]]  # rows that are groups in this version -> their children
    column_checks3: tuple[Check, ...]  # per-column checks on Table 3: left[0] is the derived row
    row_checks3: tuple[Check, ...]  # per-row checks on Table 3: left[0] is the derived column
    row_checks4: tuple[Check, ...]


@cache
def version_spec(version: str) -> Spec:
    """The format's blocks, published rows, groups and checks for one version, computed once."""
    fmt = national_format()
    table3 = fmt.table(3).blocks_in(version)[0]
    table4 = fmt.table(4).blocks_in(version)[0]
    rows3 = table3.rows_in(version)
    children3 = {
        r.key: tuple(c.key for c in rows3 if c.parent == r.key) for r in rows3 if r.is_group(version)
    }
    checks = fmt.checks
    return Spec(
        version=version,
        table2=tuple(fmt.table(2).blocks_in(version)),
        table3=table3,
        table4=table4,
        leaves3=tuple(r for r in rows3 if not r.is_group(version)),
        children3=children3,
        column_checks3=tuple(c for c in checks if c.table == 3 and c.per == "column"),
        row_checks3=tuple(c for c in checks if c.table == 3 and c.per == "row"),
        row_checks4=tuple(c for c in checks if c.table == 4 and c.per == "row"),
    )


def _solve(
    free: dict[tuple[str, str], int],
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    children: dict[str, tuple[str, ...]],
    column_checks: tuple[Check, ...],
    row_checks: tuple[Check, ...],
) -> dict[tuple[str, str], int]:
    """Every cell of a block from its free cells, so that each check holds by construction.

    A check's first left term is the one it defines (（七）总计, 一、本年新收, 总计); a group row
    counts as the sum of its children. When the defined term would come out negative (more
    carried over than handled), the free terms beside it give up the deficit instead.
    """
    values = dict(free)

    def get(row: str, col: str) -> int | None:
        if row in children:
            parts = [get(child, col) for child in children[row]]
            return None if None in parts else sum(parts)  # type: ignore[arg-type]
        return values.get((row, col))

    derived_columns = {c.left[0] for c in row_checks}
    for col in columns:
        if col in derived_columns:
            continue
        pending = list(column_checks)
        while pending:
            solved = False
            for check in list(pending):
                others = [get(r, col) for r in check.left[1:]]
                right = [get(r, col) for r in check.right]
                if None in others or None in right:
                    continue
                value = sum(right) - sum(others)  # type: ignore[arg-type]
                for r in check.left[1:]:
                    if value >= 0:
                        break
                    if (r, col) in free:
                        take = min(values[(r, col)], -value)
                        values[(r, col)] -= take
                        value += take
                values[(check.left[0], col)] = value
                pending.remove(check)
                solved = True
            if not solved:
                raise RuntimeError(f"the format's checks leave column {col} undetermined")
    for row in rows:
        for check in row_checks:
            parts = [get(row, c) for c in check.right]
            others = [get(row, c) for c in check.left[1:]]
            values[(row, check.left[0])] = sum(parts) - sum(others)  # type: ignore[arg-type]
    return values


def _free_rows(leaves: tuple[Row, ...], column_checks: tuple[Check, ...]) -> list[str]:
    """Published rows that no per-column check defines: their cells are drawn at random."""
    derived = {c.left[0] for c in column_checks}
    return [r.key for r in leaves if r.key not in derived]


def _free_columns(block: Block, row_checks: tuple[Check, ...]) -> list[str]:
    """Columns that no per-row check defines (every column but 总计)."""
    derived = {c.left[0] for c in row_checks}
    return [c.key for c in block.columns if c.key not in derived]


# ---------------------------------------------------------------- numbers

# Realism priors keyed by the format's stable row/column keys: most applications are granted
# or concern information the body does not hold, and most come from natural persons.
_T3_ROW_PRIOR = {"disclosed": 5.0, "not_held": 2.5, "partly_disclosed": 1.0, "petitions": 0.7,
                 "carried_over": 0.5, "carried_forward": 0.5, "still_unclear": 0.5, "other_handling": 0.6,
                 "other_reasons": 0.5, "no_correction": 0.5, "process_information": 0.4, "third_party": 0.3}
_T3_COLUMN_PRIOR = {"natural_persons": 8.0, "businesses": 1.2, "legal_services": 0.4}
_T2_ROW_BASE = {"rules": 0.6, "normative_documents": 6.0, "licensing": 500.0, "other_services": 60.0,
                "penalties": 250.0, "coercion": 20.0, "fees": 8.0, "procurement": 50.0}
_T2_COLUMN_FACTOR = {"last_year_items": 0.12, "change": 0.03, "in_force": 7.0, "repealed": 0.4}


def poisson(rng: random.Random, mean: float) -> int:
    """A count with the given mean: small means give the many zeros real tables have."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def spread_count(rng: random.Random, mean: float) -> int:
    """A wide-spread count (decisions, items), floor of a lognormal around the mean."""
    return int(mean * rng.lognormvariate(0, 0.7)) if mean > 0 else 0


def _money(rng: random.Random, amount: float) -> tuple[float, str]:
    """An amount in 万元 with one or two decimals, as a value and as printed."""
    digits = rng.choice((1, 2, 2))
    raw = f"{amount:.{digits}f}"
    return float(raw), raw


def table2(rng: random.Random, spec: Spec, body: Body, scale: float) -> dict[CellKey, Cell]:
    """Table 2 as printed: counts, 增/减 changes, 项 suffixes and amounts in 万元 or 元."""
    cells: dict[CellKey, Cell] = {}
    makes_rules = body.level in ("province", "city")  # only these governments may issue 规章
    for block in spec.table2:
        for row in block.rows_in(spec.version):
            base = _T2_ROW_BASE.get(row.key, 5.0) * scale
            if row.key == "rules" and not makes_rules:
                base = 0.0
            items = 0
            for col in block.columns:
                factor = _T2_COLUMN_FACTOR.get(col.key, 1.0)
                if col.key == "change":
                    n = 0 if rng.random() < 0.4 else 1 + spread_count(rng, base * factor)
                    if rng.random() < 0.35 and items > 0:
                        n = min(n, items)  # a list cannot shrink by more items than it had
                        value = -n
                    else:
                        value = n
                    if value == 0:
                        raw = "0"
                    else:
                        raw = ("增" if value > 0 else "减") + str(n) + ("项" if rng.random() < 0.6 else "")
                    cells[(2, block.key, row.key, col.key)] = (value, raw)
                elif col.unit == "万元":
                    cells[(2, block.key, row.key, col.key)] = _amount(rng, spec, base, items)
                else:
                    value = spread_count(rng, base * factor)
                    items = value
                    suffix = "项" if col.unit == "项" and rng.random() < 0.3 else ""
                    suffix = "件" if col.unit == "件" and rng.random() < 0.03 else suffix
                    cells[(2, block.key, row.key, col.key)] = (value, f"{value}{suffix}")
    return cells


def _amount(rng: random.Random, spec: Spec, base: float, items: int) -> Cell:
    """An amount column: procurement totals (2019) or fees collected (2021)."""
    if items == 0 and base < 5 or rng.random() < 0.15:
        return 0, "0"
    wan = items * rng.uniform(1, 60) if items else base * rng.lognormvariate(2, 1.2)
    value, raw = _money(rng, wan)
    roll = rng.random()
    if spec.version == "2019" and roll < 0.6:
        return value, f"{raw}万元"
    if spec.version == "2019" and roll < 0.7:
        yuan = round(wan * 100) * 100  # whole hundreds of 元, as 251000元
        return yuan, f"{yuan}元"
    return value, raw


def table3_free(rng: random.Random, spec: Spec, body: Body, scale: float) -> dict[tuple[str, str], int]:
    """The Table 3 cells no check defines, drawn so that most are small and many are zero."""
    rows = _free_rows(spec.leaves3, spec.column_checks3)
    cols = _free_columns(spec.table3, spec.row_checks3)
    quiet = 0.25 if body.government else 0.4
    total = 0.0 if rng.random() < quiet else 12.0 * scale * rng.lognormvariate(0, 0.9)
    if rng.random() < 0.05:
        total *= 8  # a busy year: hundreds of applications
    row_w = {}
    for r in rows:
        prior = _T3_ROW_PRIOR.get(r, 0.15)
        row_w[r] = 0.0 if rng.random() < (0.2 if prior >= 1 else 0.6) else prior * rng.expovariate(1)
    col_w = {}
    for c in cols:
        prior = _T3_COLUMN_PRIOR.get(c, 0.15)
        col_w[c] = 0.0 if rng.random() < (0.05 if prior >= 1 else 0.5) else prior * rng.expovariate(1)
    row_sum = sum(row_w.values()) or 1.0
    col_sum = sum(col_w.values()) or 1.0
    return {
        (r, c): poisson(rng, total * row_w[r] / row_sum * col_w[c] / col_sum) for r in rows for c in cols
    }


def _table3(free: dict[tuple[str, str], int], spec: Spec) -> dict[CellKey, Cell]:
    """Table 3 solved from its free cells."""
    block = spec.table3
    leaves = tuple(r.key for r in spec.leaves3)
    columns = tuple(c.key for c in block.columns)
    values = _solve(free, leaves, columns, spec.children3, spec.column_checks3, spec.row_checks3)
    return {(3, block.key, r, c): (values[(r, c)], str(values[(r, c)])) for r in leaves for c in columns}


def table4(rng: random.Random, spec: Spec, scale: float) -> dict[CellKey, Cell]:
    """Table 4: most bodies have no review or litigation at all."""
    block = spec.table4
    rows = tuple(r.key for r in block.rows_in(spec.version))
    columns = tuple(c.key for c in block.columns)
    free_cols = _free_columns(block, spec.row_checks4)
    busy = rng.random() < 0.3
    free = {}
    for i, r in enumerate(rows):
        mean = (0.8 if i == 0 else 0.4) * min(scale, 6) if busy else 0.0
        free.update({(r, c): poisson(rng, mean * (1.5 if j == 0 else 0.5)) for j, c in enumerate(free_cols)})
    values = _solve(free, rows, columns, {}, (), spec.row_checks4)
    return {(4, block.key, r, c): (values[(r, c)], str(values[(r, c)])) for r in rows for c in columns}


def blank(
    rng: random.Random, free: dict[tuple[str, str], int], spec: Spec, count: int
) -> tuple[dict[CellKey, Cell], list[CellKey]]:
    """Table 3 with ``count`` zero cells chosen to be printed blank.

    Only zeros may go blank, so every sum still holds when a blank reads as 0. When the report
    has too few zeros, free cells are zeroed one by one (and the table solved again) until it has.
    """
    free = dict(free)
    while True:
        table = _table3(free, spec)
        zeros = [k for k, (v, _) in table.items() if v == 0]
        if len(zeros) >= count:
            return table, rng.sample(zeros, count)
        nonzero = sorted(k for k, v in free.items() if v)
        if not nonzero:
            raise ValueError(f"Table 3 has {len(table)} cells; cannot blank {count}")
        free[rng.choice(nonzero)] = 0
