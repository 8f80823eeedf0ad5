"""Synthetic 政府信息公开工作年度报告: deterministic reports and the figures a parser should find.

A report is generated from a seed with ``random.Random(seed)`` only, so a test, a hypothesis
property and the 10,000-report benchmark all see the same report for the same seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterator

from ingest.model import Figure
from ingest.nationalformat import NONSTANDARD, national_format
from reportgen import tables
from reportgen.cells import lost_cells, printed_cells
from reportgen.layout import PLAIN, Layout
from reportgen.names import LEVEL_SCALE, bodies_by_name, parse_body, pick_body
from reportgen.prose import draw_facts, read_cell, write_paragraphs
from reportgen.tables import Cell, CellKey, spread_count, version_spec

FIRST_YEAR = 2019
LAST_YEAR = 2025


@dataclass
class SyntheticReport:
    """One generated report: its metadata, every table cell and the paragraphs of each section."""

    body: str
    year: int
    version: str
    published: str
    cells: dict[CellKey, Cell]
    paragraphs: dict[int, list[str]]
    title: str


def generate_report(
    seed: int, *, body: str | None = None, year: int | None = None, blank_cells: int = 0
) -> SyntheticReport:
    """One report, the same for the same arguments; ``blank_cells`` zeros of Table 3 print blank."""
    rng = random.Random(seed)
    picked = parse_body(body, rng) if body is not None else pick_body(rng)
    report_year = year if year is not None else rng.randint(FIRST_YEAR, LAST_YEAR)
    version = national_format().version_for_year(report_year)
    if version == NONSTANDARD:
        raise ValueError(f"{report_year} has no national format; years {FIRST_YEAR}-{LAST_YEAR} do")
    spec = version_spec(version)
    month = rng.choices((1, 2, 3), weights=(6, 2, 2))[0]
    published = f"{report_year + 1}-{month:02d}-{rng.randint(1, 28 if month == 2 else 31):02d}"
    scale = LEVEL_SCALE[picked.level] * rng.lognormvariate(0, 0.5)
    cells = tables.table2(rng, spec, picked, scale)
    free3 = tables.table3_free(rng, spec, picked, scale)
    table4 = tables.table4(rng, spec, scale)
    # Blanks draw from their own stream so the rest of the report does not depend on them.
    table3, blanks = tables.blank(random.Random(seed * 7919 + 17), free3, spec, blank_cells)
    for key in blanks:
        table3[key] = (None, "")
    cells.update(table3)
    cells.update(table4)
    facts = draw_facts(rng, report_year, picked, scale)
    # Paragraphs quote the tables where they speak of the same thing.
    balance = next(c for c in spec.column_checks3 if len(c.left) > 1)
    total_col = spec.row_checks3[0].left[0]
    facts["received"] = sum(read_cell(cells, 3, spec.table3, r, total_col) for r in balance.left)
    penalties = cells.get((2, "art20_6", "penalties", "decisions"))
    facts["n_penalty"] = penalties[0] if penalties is not None else spread_count(rng, 100 * scale)
    return SyntheticReport(
        body=picked.name,
        year=report_year,
        version=version,
        published=published,
        cells=cells,
        paragraphs=write_paragraphs(rng, spec, cells, facts),
        title=f"{picked.name}{report_year}年政府信息公开工作年度报告",
    )


def generate_corpus(count: int, seed: int = 0) -> Iterator[SyntheticReport]:
    """``count`` reports with distinct (body, year), in the real mix of levels over 2019-2025."""
    available = len(bodies_by_name()) * (LAST_YEAR - FIRST_YEAR + 1)
    if count > available:
        raise ValueError(f"only {available} distinct (body, year) pairs; asked for {count}")
    rng = random.Random(seed)
    seen: set[tuple[str, int]] = set()
    while len(seen) < count:
        body = pick_body(rng)
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        report_seed = rng.getrandbits(48)
        if (body.name, year) in seen:
            continue
        seen.add((body.name, year))
        yield generate_report(report_seed, body=body.name, year=year)


def expected_figures(report: SyntheticReport, layout: Layout = PLAIN) -> list[Figure]:
    """The figures a parser should find in a rendering with this layout: one per printed cell, in
    published order, without the cells the layout loses."""
    fmt = national_format()
    lost = lost_cells(report, layout)
    figures = []
    for (table, block_key, row, column), (value, raw) in printed_cells(report, layout).items():
        if (table, block_key, row, column) in lost:
            continue
        unit = fmt.table(table).block(block_key, report.version).column(column).unit
        for printed in ("万元", "元", "项", "件"):
            if printed in raw:
                unit = printed
                break
        figures.append(Figure(table, block_key, row, column, value, unit, raw))
    return figures
