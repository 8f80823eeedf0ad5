"""Round trip: any consistent report parses back to exactly its figures; one changed number
breaks exactly the sums that contain it."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen import expected_figures, generate_report, render_html, render_text
from ingest.document import Document
from ingest.nationalformat import national_format
from ingest.readers import html, text
from ingest.structure import read_structure
from ingest.tables import extract_figures
from ingest.validate import check_sums

RENDERERS = {"text": (render_text, text.read), "html": (render_html, html.read)}

reports = st.builds(
    generate_report,
    seed=st.integers(0, 10**6),
    year=st.integers(2019, 2025),
    blank_cells=st.integers(0, 3),
)


def parse(report, kind: str):
    render, read = RENDERERS[kind]
    document: Document = read(None, render(report))
    structure = read_structure(None, document)
    figures, warnings = extract_figures(structure.tables, report.version)
    assert not warnings, "every cell was read"
    return figures, check_sums(figures, report.version)


def figure_set(figures):
    return {(f.table, f.row, f.column, f.value, f.raw) for f in figures}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports, kind=st.sampled_from(sorted(RENDERERS)))
def test_rendered_report_parses_back_to_the_same_figures(report, kind):
    figures, warnings = parse(report, kind)
    assert figure_set(figures) == figure_set(expected_figures(report))
    assert warnings == []


def ancestors(block, row_key: str) -> set[str]:
    keys, row = {row_key}, block.row(row_key)
    while row.parent:
        keys.add(row.parent)
        row = block.row(row.parent)
    return keys


def sums_containing(version: str, table: int, row: str, column: str) -> set[tuple[str, str]]:
    """The (check, where) pairs whose equation has this cell on one side, by the format's checks."""
    fmt = national_format()
    block = fmt.table(table).blocks_in(version)[0]
    broken = set()
    for check in fmt.checks:
        if check.table != table:
            continue
        operands = set(check.left) | set(check.right)
        if check.per == "column" and ancestors(block, row) & operands:
            broken.add((check.name, column))
        if check.per == "row" and column in operands:
            broken.add((check.name, row))
    return broken


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports, kind=st.sampled_from(sorted(RENDERERS)), data=st.data())
def test_one_changed_number_breaks_exactly_its_sums(report, kind, data):
    cells = sorted(key for key, (value, _) in report.cells.items() if key[0] in (3, 4) and value is not None)
    table, block, row, column = data.draw(st.sampled_from(cells))
    value, _ = report.cells[(table, block, row, column)]
    changed = value + data.draw(st.integers(1, 50))
    report = dataclasses.replace(report, cells={**report.cells, (table, block, row, column): (changed, str(changed))})

    _, findings = parse(report, kind)
    named = {(f.detail["check"], f.detail.get("column") or f.detail.get("row")) for f in findings}
    assert all(f.kind == "sum" for f in findings)
    assert named == sums_containing(report.version, table, row, column)
