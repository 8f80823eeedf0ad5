"""The report generator (reportgen): determinism, the format's sums, and every rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen import (
    SyntheticReport,
    expected_figures,
    generate_corpus,
    generate_report,
    render_docx,
    render_html,
    render_pdf,
    render_text,
)
from ingest.nationalformat import fold, national_format

FORMAT = national_format()
YEAR_OF_VERSION = {"2019": 2020, "2021": 2023}


def block_of(report: SyntheticReport, table: int):
    return FORMAT.table(table).blocks_in(report.version)[0]


def cell_value(report: SyntheticReport, table: int, row: str, column: str) -> int:
    """A cell read as the sums read it: a group row is the sum of its children, a blank is 0."""
    block = block_of(report, table)
    if block.row(row).is_group(report.version):
        return sum(cell_value(report, table, c.key, column) for c in block.children(row, report.version))
    return report.cells[(table, block.key, row, column)][0] or 0


def broken_sums(report: SyntheticReport) -> list[str]:
    """Every place where a check of the format does not hold, computed from the checks themselves."""
    broken = []
    for check in FORMAT.checks:
        block = block_of(report, check.table)
        if check.per == "column":
            for col in block.columns:
                left = sum(cell_value(report, check.table, r, col.key) for r in check.left)
                right = sum(cell_value(report, check.table, r, col.key) for r in check.right)
                if left != right:
                    broken.append(f"{check.name} [{col.key}]: {left} != {right}")
        else:
            for row in block.rows_in(report.version):
                if row.is_group(report.version):
                    continue
                left = sum(cell_value(report, check.table, row.key, c) for c in check.left)
                right = sum(cell_value(report, check.table, row.key, c) for c in check.right)
                if left != right:
                    broken.append(f"{check.name} [{row.key}]: {left} != {right}")
    return broken


def table3_leaves(report: SyntheticReport) -> list[str]:
    return [r.key for r in block_of(report, 3).rows_in(report.version) if not r.is_group(report.version)]


def blanks(report: SyntheticReport) -> list[tuple]:
    return [key for key, (value, _) in report.cells.items() if value is None]


# ---------------------------------------------------------------- generation


def test_same_seed_same_report() -> None:
    assert generate_report(42) == generate_report(42)
    assert generate_report(42, blank_cells=3) == generate_report(42, blank_cells=3)
    assert render_text(generate_report(42)) == render_text(generate_report(42))
    assert render_html(generate_report(7)) == render_html(generate_report(7))
    assert list(generate_corpus(15, seed=3)) == list(generate_corpus(15, seed=3))


def test_different_seeds_differ() -> None:
    texts = {render_text(generate_report(seed)) for seed in range(20)}
    assert len(texts) == 20


def test_metadata() -> None:
    for seed in range(50):
        report = generate_report(seed)
        assert 2019 <= report.year <= 2025
        assert report.version == FORMAT.version_for_year(report.year)
        assert report.title == f"{report.body}{report.year}年政府信息公开工作年度报告"
        year, month, _ = report.published.split("-")
        assert int(year) == report.year + 1 and 1 <= int(month) <= 3


def test_body_and_year_can_be_given() -> None:
    report = generate_report(1, body="江苏省南京市鼓楼区人民政府", year=2024)
    assert (report.body, report.year, report.version) == ("江苏省南京市鼓楼区人民政府", 2024, "2021")
    department = generate_report(1, body="某市某区教育局", year=2020)
    assert department.version == "2019"
    with pytest.raises(ValueError):
        generate_report(1, year=2018)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_every_check_holds(version: str) -> None:
    for seed in range(80):
        report = generate_report(seed, year=YEAR_OF_VERSION[version], blank_cells=seed % 12)
        assert report.version == version
        assert broken_sums(report) == [], report.title


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_cells_cover_the_format(version: str) -> None:
    report = generate_report(5, year=YEAR_OF_VERSION[version])
    expected = {
        (spec.table.number, spec.block.key, spec.row.key, spec.column.key)
        for spec in FORMAT.cells(version)
        if not spec.row.is_group(version)
    }
    assert set(report.cells) == expected
    values = [v for (table, *_), (v, _) in report.cells.items() if table in (3, 4)]
    assert all(isinstance(v, int) and v >= 0 for v in values)


def test_other_handling_rows_by_version() -> None:
    old = generate_report(3, year=2020)
    new = generate_report(3, year=2022)
    assert "other_handling" in table3_leaves(old)
    assert "other_handling" not in table3_leaves(new)
    assert {"no_correction", "unpaid_fees", "other_reasons"} <= set(table3_leaves(new))


def test_blank_cells_are_zeros_printed_blank() -> None:
    for seed in range(40):
        plain = generate_report(seed)
        blanked = generate_report(seed, blank_cells=6)
        keys = blanks(blanked)
        assert len(keys) == 6 and blanks(plain) == []
        assert all(key[0] == 3 for key in keys)
        assert all(blanked.cells[key] == (None, "") for key in keys)
        assert all(plain.cells[key][0] == 0 for key in keys)
        # Nothing else changes.
        assert {k: v for k, v in blanked.cells.items() if k not in keys} == {
            k: v for k, v in plain.cells.items() if k not in keys
        }
        assert blanked.paragraphs == plain.paragraphs


def test_blank_cells_zero_more_cells_when_needed() -> None:
    report = generate_report(9, year=2022)
    every = sum(1 for key in report.cells if key[0] == 3)
    full = generate_report(9, year=2022, blank_cells=every)
    assert len(blanks(full)) == every and broken_sums(full) == []
    with pytest.raises(ValueError):
        generate_report(9, year=2022, blank_cells=every + 1)


def test_corpus_is_distinct_and_mixed() -> None:
    reports = list(generate_corpus(200))
    assert len(reports) == 200
    assert len({(r.body, r.year) for r in reports}) == 200
    assert {r.version for r in reports} == {"2019", "2021"}
    assert {r.year for r in reports} == set(range(2019, 2026))
    governments = sum(r.body.endswith("人民政府") for r in reports)
    assert 20 < governments < 150  # departments outnumber governments, as in the real corpus
    assert any("省" in r.body or "自治区" in r.body for r in reports)


def test_numbers_look_real() -> None:
    reports = list(generate_corpus(300, seed=5))
    table3 = [v for r in reports for k, (v, _) in r.cells.items() if k[0] == 3]
    assert sum(v == 0 for v in table3) / len(table3) > 0.6
    assert max(table3) >= 100
    raws = [raw for r in reports for k, (_, raw) in r.cells.items() if k[0] == 2]
    assert any(re.fullmatch(r"增\d+项?", raw) for raw in raws)
    assert any(re.fullmatch(r"减\d+项?", raw) for raw in raws)
    assert any(re.fullmatch(r"\d+\.\d+万元", raw) for raw in raws)
    assert any(re.fullmatch(r"\d+项", raw) for raw in raws)


def test_expected_figures() -> None:
    found: dict[str, object] = {}
    for seed in range(400):
        report = generate_report(seed, year=2019 + seed % 7, blank_cells=1)
        figures = expected_figures(report)
        assert len(figures) == len(report.cells)
        for fig in figures:
            value, raw = report.cells[(fig.table, fig.block, fig.row, fig.column)]
            assert (fig.value, fig.raw) == (value, raw)
            if raw.startswith("减"):
                found["minus"] = fig
                assert fig.value == -int(re.sub(r"\D", "", raw))
            if raw.endswith("万元"):
                found["wan"] = fig
                assert fig.unit == "万元" and fig.value == float(raw[:-2])
            elif raw.endswith("元"):
                found["yuan"] = fig
                assert fig.unit == "元" and fig.value == int(raw[:-1])
            elif raw.endswith("项"):
                assert fig.unit == "项"
            if fig.value is None:
                found["blank"] = fig
                column = FORMAT.table(3).block(fig.block, report.version).column(fig.column)
                assert fig.unit == column.unit and fig.raw == ""
        if len(found) == 4:
            break
    assert set(found) == {"minus", "wan", "yuan", "blank"}


def test_paragraphs() -> None:
    reports = list(generate_corpus(60, seed=2))
    for report in reports:
        assert set(report.paragraphs) == {1, 2, 3, 4, 5, 6}
        for number in (1, 5, 6):
            assert 2 <= len(report.paragraphs[number]) <= 5
        assert len(report.paragraphs[3]) == 1 and len(report.paragraphs[4]) == 1
        for paragraphs in report.paragraphs.values():
            assert all(p.endswith("。") for p in paragraphs)
        new = report.cells[(3, block_of(report, 3).key, "new", "total")][0]
        if new:
            assert f"{new}件" in report.paragraphs[3][0]
    everything = ["".join(p for ps in r.paragraphs.values() for p in ps) for r in reports]
    for term in ("罚款", "行政处罚", "查阅点", "依申请公开"):
        hits = sum(term in text for text in everything)
        assert 0 < hits < len(reports), term
    assert any(re.search(r"\d{3,4}-\d{7,8}", text) for text in everything)


# ---------------------------------------------------------------- text


def read_cells(lines: list[str], start: int, count: int) -> list[str]:
    """``count`` cells after line ``start``: each after one empty line; a blank adds only its empty line."""
    cells, pos = [], start + 1
    for _ in range(count):
        assert lines[pos] == "", (start, pos, lines[pos])
        pos += 1
        if lines[pos] == "":
            cells.append("")
        else:
            cells.append(lines[pos])
            pos += 1
    return cells


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_text_layout(version: str) -> None:
    report = generate_report(11, year=YEAR_OF_VERSION[version], blank_cells=5)
    text = render_text(report)
    lines = text.split("\n")
    assert lines[0] == report.title and lines[1] == ""
    assert lines[2] == f"信息来源:{report.body} 发布日期:{report.published} 09:30"
    assert report.body in lines[-5:]
    for section in FORMAT.sections:
        assert section.title in lines
    block = block_of(report, 3)
    folded = [fold(line) for line in lines]
    for row in table3_leaves(report):
        start = folded.index(fold(block.row(row).label))
        got = read_cells(lines, start, len(block.columns))
        assert got == [report.cells[(3, block.key, row, c.key)][1] for c in block.columns], row


def test_text_blank_cell_is_one_extra_empty_line() -> None:
    report = generate_report(4, year=2021, blank_cells=1)
    (key,) = blanks(report)
    block = block_of(report, 3)
    columns = [c.key for c in block.columns]
    raws = [report.cells[(3, block.key, key[2], c)][1] for c in columns]
    label = block.row(key[2]).label
    lines = render_text(report).split("\n")
    start = [fold(line) for line in lines].index(fold(label))
    # Label, then per cell: an empty line and the value; the blank cell has no value line.
    expected = [lines[start]]
    for raw in raws:
        expected.append("")
        if raw:
            expected.append(raw)
    assert lines[start: start + len(expected)] == expected
    assert "\n\n\n" in render_text(report)
    assert "\n\n\n" not in render_text(generate_report(4, year=2021))


def test_text_table4_is_one_row_of_fifteen() -> None:
    report = generate_report(8, year=2020)
    lines = render_text(report).split("\n")
    block = block_of(report, 4)
    last_header = max(i for i, line in enumerate(lines) if line == block.columns[-1].label)
    numbers = read_cells(lines, last_header, len(block.rows) * len(block.columns))
    assert numbers == [report.cells[(4, block.key, r.key, c.key)][1] for r in block.rows for c in block.columns]


# ---------------------------------------------------------------- HTML


def expand(table) -> list[list[str | None]]:
    """An HTML table as a grid: a spanned cell's text at its anchor, None where it is covered."""
    grid: dict[tuple[int, int], str | None] = {}
    for r, tr in enumerate(table.find_all("tr")):
        c = 0
        for td in tr.find_all("td"):
            while (r, c) in grid:
                c += 1
            rowspan, colspan = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for i in range(rowspan):
                for j in range(colspan):
                    grid[(r + i, c + j)] = None
            grid[(r, c)] = td.get_text().replace("\xa0", "").strip()
            c += colspan
    nrows = max(r for r, _ in grid) + 1
    ncols = max(c for _, c in grid) + 1
    return [[grid.get((r, c)) for c in range(ncols)] for r in range(nrows)]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_html_page(version: str) -> None:
    from bs4 import BeautifulSoup

    report = generate_report(13, year=YEAR_OF_VERSION[version], blank_cells=4)
    page = render_html(report)
    assert page.startswith('<!DOCTYPE html><html><head><meta charset="utf-8">')
    soup = BeautifulSoup(page, "html.parser")
    assert soup.title.get_text() == report.title
    assert soup.find("div", class_="nav") and soup.find("div", class_="footer")
    assert soup.find("div", class_="article").h1.get_text() == report.title
    assert page.count("<td>&nbsp;</td>") == 4
    tables = soup.find_all("table")
    assert len(tables) == 3
    corner = tables[1].find("td")
    assert (corner["rowspan"], corner["colspan"]) == ("3", "3")
    # Table 3 rows: the last 7 grid cells of each data row are the row's figures.
    block = block_of(report, 3)
    rows = [row for row in expand(tables[1]) if all(cell is not None for cell in row[-7:])]
    rows = [row[-7:] for row in rows if all(re.fullmatch(r"\d*", cell) for cell in row[-7:])]
    assert rows == [
        [report.cells[(3, block.key, r, c.key)][1] for c in block.columns] for r in table3_leaves(report)
    ]
    table4 = expand(tables[2])
    block4 = block_of(report, 4)
    assert table4[-1] == [report.cells[(4, block4.key, r.key, c.key)][1] for r in block4.rows for c in block4.columns]


def test_html_escapes_text() -> None:
    report = generate_report(1, body="<b>某县&人民政府</b>", year=2023)
    page = render_html(report)
    assert "<b>某县" not in page and "&lt;b&gt;某县&amp;" in page


# ---------------------------------------------------------------- Word and PDF


def test_docx(tmp_path: Path) -> None:
    import docx

    report = generate_report(21, year=2024, blank_cells=2)
    path = tmp_path / "report.docx"
    render_docx(report, path)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == report.title
    assert len(document.tables) == 3
    block = block_of(report, 3)
    header_rows = 3
    for i, row in enumerate(table3_leaves(report)):
        cells = [c.text for c in document.tables[1].rows[header_rows + i].cells]
        assert cells[-7:] == [report.cells[(3, block.key, row, c.key)][1] for c in block.columns]
    assert "tcPr" in document.tables[1]._tbl.xml and "vMerge" in document.tables[1]._tbl.xml


def test_pdf(tmp_path: Path) -> None:
    import pdfplumber

    report = generate_report(22, year=2020, blank_cells=2)
    path = tmp_path / "report.pdf"
    render_pdf(report, path)
    with pdfplumber.open(str(path)) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
        tables = [table for page in pdf.pages for table in page.extract_tables()]
    assert report.title in re.sub(r"\s", "", text)
    assert "予以公开" in text and "属于国家秘密" in text
    block = block_of(report, 3)
    rows = []
    for table in tables:
        for row in table:
            cells = [c for c in row if c is not None]
            if len(cells) >= 8 and all(re.fullmatch(r"\d*", c) for c in cells[-7:]):
                rows.append(cells[-7:])
    want = [[report.cells[(3, block.key, r, c.key)][1] for c in block.columns] for r in table3_leaves(report)]
    assert rows[: len(want)] == want


# ---------------------------------------------------------------- property


def test_any_seed_keeps_the_sums_and_reads_back() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(st.integers(min_value=0, max_value=2**63), st.integers(2019, 2025), st.integers(0, 30))
    def check(seed: int, year: int, blank: int) -> None:
        report = generate_report(seed, year=year, blank_cells=blank)
        assert broken_sums(report) == []
        assert len(blanks(report)) == blank
        lines = render_text(report).split("\n")
        folded = [fold(line) for line in lines]
        block = block_of(report, 3)
        for row in table3_leaves(report):
            start = folded.index(fold(block.row(row).label))
            assert read_cells(lines, start, len(block.columns)) == [
                report.cells[(3, block.key, row, c.key)][1] for c in block.columns
            ]

    check()
