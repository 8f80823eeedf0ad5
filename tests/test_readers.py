"""Every reader on files the tests make themselves: the same report as text, HTML, DOCX and PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import (
    expected_figures,
    generate_report,
    render_docx,
    render_html,
    render_pdf,
    render_text,
)
from ingest.parse import parse_report
from ingest.readers import detect_kind


def write(report, kind: str, directory: Path) -> Path:
    """The report rendered as `kind`, in a file whose name does not say its type."""
    path = directory / f"report-{kind}.bin"
    if kind == "text":
        path.write_text(render_text(report), "utf-8")
    elif kind == "html":
        path.write_text(render_html(report), "utf-8")
    elif kind == "docx":
        render_docx(report, path)
    else:
        render_pdf(report, path)
    return path


def figure_set(figures):
    return {(f.table, f.block, f.row, f.column, f.value, f.unit, f.raw) for f in figures}


@pytest.mark.parametrize("kind", ["text", "html", "docx", "pdf"])
@pytest.mark.parametrize("year", [2020, 2023])
def test_each_reader_gives_back_every_figure(kind, year, tmp_path):
    report = generate_report(seed=year, year=year, blank_cells=2, body="江苏省南京市鼓楼区人民政府")
    path = write(report, kind, tmp_path)
    assert detect_kind(path.read_bytes()) == kind
    parsed = parse_report(path)
    assert (parsed.body, parsed.year, parsed.format) == (report.body, year, report.version)
    assert figure_set(parsed.figures) == figure_set(expected_figures(report))
    assert parsed.warnings == []
    assert len(parsed.passages) >= sum(len(p) for n, p in report.paragraphs.items() if n != 3) // 2


@pytest.mark.parametrize("kind", ["text", "html"])
def test_published_date_and_sections(kind, tmp_path):
    report = generate_report(seed=7, year=2021)
    parsed = parse_report(write(report, kind, tmp_path))
    assert parsed.published == report.published
    assert sorted(parsed.sections) == [1, 2, 3, 4, 5, 6]


def test_html_site_navigation_and_footer_are_not_passages(tmp_path):
    report = generate_report(seed=11, year=2022)
    parsed = parse_report(write(report, "html", tmp_path))
    texts = " ".join(p.text for p in parsed.passages)
    assert "版权所有" not in texts and "网站标识码" not in texts
    first = report.paragraphs[1][0]
    assert any(first in p.text or p.text in first for p in parsed.passages)


def test_gb18030_html_is_read(tmp_path):
    report = generate_report(seed=3, year=2020)
    path = tmp_path / "page.htm"
    path.write_bytes(render_html(report).replace('charset="utf-8"', 'charset="gbk"').encode("gb18030"))
    parsed = parse_report(path)
    assert parsed.body == report.body and len(parsed.figures) == len(expected_figures(report))
