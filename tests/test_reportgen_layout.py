"""Each shape of the generator's Layout really appears in the rendered bytes, and the figures
it expects follow what is printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ingest.nationalformat import fold, national_format
from reportgen import (
    Layout,
    expected_figures,
    generate_report,
    lost_cells,
    printed_cells,
    render_docx,
    render_html,
    render_markdown,
    render_pdf,
    render_text,
)
from reportgen.layout import BLANK_MARKS, TITLE_FORMS
from reportgen.render.grid import CORNER_NOTE

FORMAT = national_format()
BODY = "宁波市海曙区人民政府"
FULL_WIDTH = {"halfwidth": False, "alt_labels": False}  # labels exactly as the format prints them


def report_of(year: int = 2023, **kwargs):
    return generate_report(seed=year * 3 + 1, body=BODY, year=year, **kwargs)


def text_lines(report, layout: Layout) -> list[str]:
    return render_text(report, layout).split("\n")


def soup(report, layout: Layout) -> BeautifulSoup:
    return BeautifulSoup(render_html(report, layout), "html.parser")


def block_of(report, table: int):
    return FORMAT.table(table).blocks_in(report.version)[0]


def table3_rows(report) -> list[str]:
    return [r.key for r in block_of(report, 3).rows_in(report.version) if not r.is_group(report.version)]


def test_plain_layout_changes_nothing() -> None:
    report = report_of(2020, blank_cells=3)
    assert Layout().changes() == {}
    assert render_text(report, Layout()) == render_text(report)
    assert render_html(report, Layout()) == render_html(report)
    assert printed_cells(report, Layout()) == report.cells
    assert expected_figures(report, Layout()) == expected_figures(report)


def test_layout_refuses_unknown_forms() -> None:
    with pytest.raises(ValueError):
        Layout(title="sideways")
    with pytest.raises(ValueError):
        Layout(numbering=")")


# ---------------------------------------------------------------- titles


@pytest.mark.parametrize("form", sorted(TITLE_FORMS))
def test_each_title_form_is_the_title_line(form: str) -> None:
    report = report_of()
    layout = Layout(title=form)
    title = TITLE_FORMS[form].format(body=BODY, year=report.year)
    assert text_lines(report, layout)[0] == title
    page = soup(report, layout)
    assert page.h1.get_text() == title and page.title.get_text() == title
    assert render_markdown(report, layout).split("\n")[0] == title


def test_year_first_title_starts_with_the_year() -> None:
    report = report_of(2022)
    assert text_lines(report, Layout(title="year_first"))[0] == f"2022年{BODY}政府信息公开工作年度报告"


def test_spaced_and_wrapped_title() -> None:
    report = report_of(2024)
    layout = Layout(title="year_first", title_spaced=True, title_break=True)
    lines = text_lines(report, layout)
    assert lines[:2] == [f"2024 年{BODY}政府信息公开工作", "年度报告"]
    assert soup(report, layout).h1.decode_contents() == f"2024 年{BODY}政府信息公开工作<br/>年度报告"
    assert text_lines(report, Layout(title_spaced=True))[0] == f"{BODY} 2024 年政府信息公开工作年度报告"


def test_wrapped_title_in_word_is_two_paragraphs(tmp_path: Path) -> None:
    import docx

    report = report_of(2021)
    render_docx(report, tmp_path / "r.docx", Layout(title_break=True, subtitle=True))
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs[:3]]
    assert paragraphs == [f"{BODY}2021年政府信息公开工作", "年度报告", "（2021年1月1日至2021年12月31日）"]


def test_subtitle_label_and_hash() -> None:
    report = report_of(2023)
    lines = text_lines(report, Layout(subtitle=True))
    assert lines[:3] == [report.title, "", "（2023年1月1日至2023年12月31日）"]
    assert text_lines(report, Layout(title_label=True))[0] == f"标题：{report.title}"
    assert soup(report, Layout(title_label=True)).h1.get_text() == f"标题：{report.title}"
    assert text_lines(report, Layout(title_hash=True))[0] == f"# {report.title}"
    assert render_markdown(report, Layout(title_hash=True)).startswith(f"# {report.title}\n")


def test_page_furniture_around_the_article() -> None:
    report = report_of(2020)
    text = render_text(report, Layout(furniture=True))
    lines = text.split("\n")
    assert lines[0].startswith("当前位置") and lines[2] == report.title
    assert re.search(r"信息来源:.+发布日期:.+浏览次数:\d+", text)
    assert "字号：大 中 小" in text
    assert lines[-4:-1] == ["分享到：", "", "【打印本页】 【关闭窗口】"]
    page = render_html(report, Layout(furniture=True))
    for words in ("浏览次数", "字号：大 中 小", "分享到", "打印本页"):
        assert words in page
    assert "浏览次数" not in render_html(report) and "打印本页" not in render_text(report)


def test_another_body_mentioned_once_in_section_one() -> None:
    report = report_of(2023)
    text = render_text(report, Layout(mention=True))
    mentions = re.findall(r"赴(\S+?人民政府)学习", text)
    assert len(mentions) == 1 and mentions[0] != BODY
    assert f"《{mentions[0]}2022年政府信息公开工作年度报告》" in text
    section1 = text.index("一、总体情况")
    assert section1 < text.index(mentions[0]) < text.index("二、主动公开政府信息情况")
    assert mentions[0] not in render_text(report)


# ---------------------------------------------------------------- HTML tables


def test_header_cells_split_over_paragraphs() -> None:
    report = report_of(2023)
    page = soup(report, Layout(split_header_cells=True, **FULL_WIDTH))
    header = next(td for td in page.find_all("table")[1].find_all("td") if "勾稽关系" in td.get_text())
    parts = header.find_all("p")
    assert len(parts) >= 3
    assert all(p.get_text().startswith("\xa0") and p.get_text().endswith("\xa0") for p in parts)
    assert header.get_text().replace("\xa0", "") == CORNER_NOTE


def test_digits_split_over_spans() -> None:
    report = report_of(2023)
    page = render_html(report, Layout(split_digits=True))
    new_total = report.cells[(3, "applications", "new", "total")][1]
    assert len(new_total) >= 2
    assert "<td>" + "".join(f"<span>{d}</span>" for d in new_total) + "</td>" in page
    assert not re.search(r"<td>\d+</td>", page)


def test_table3_split_into_several_tables() -> None:
    report = report_of(2020)
    page = soup(report, Layout(split_table3=True))
    tables = page.find_all("table")
    assert len(tables) == 5  # Table 2, Table 3 in three (header, rows, rows), Table 4
    header, first, rest = tables[1:4]
    assert "勾稽关系" in header.get_text() and not re.search(r"\d", header.get_text())
    assert "page-break" in str(first.find_next_sibling())
    labels = [fold(block_of(report, 3).row(r).label) for r in table3_rows(report)]
    found = [fold(td.get_text()) for t in (first, rest) for td in t.find_all("td")]
    assert all(label in found for label in labels)
    assert labels.index(fold(rest.find("td", string=re.compile(r"\S")).get_text())) > 0


def test_long_row_label_wrapped_into_its_own_row() -> None:
    report = report_of(2023)
    page = soup(report, Layout(wrapped_labels=True, **FULL_WIDTH))
    label = block_of(report, 3).row("partly_disclosed").label
    row = next(tr for tr in page.find_all("table")[1].find_all("tr") if label in tr.get_text())
    cells = [td.get_text() for td in row.find_all("td")]
    assert cells[-7:] == ["\xa0"] * 7
    numbers = [td.get_text() for td in row.find_next_sibling("tr").find_all("td")]
    assert numbers[0] == "\xa0"
    raws = [report.cells[(3, "applications", "partly_disclosed", c.key)][1] for c in block_of(report, 3).columns]
    assert numbers[1:] == raws


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("year", "alt", "plain"), [(2020, "行政规范性文件", "规范性文件"), (2023, "规范性文件", "行政规范性文件")]
)
def test_normative_documents_either_way_in_either_version(year: int, alt: str, plain: str) -> None:
    report = report_of(year)
    assert alt in text_lines(report, Layout(alt_labels=True))
    assert plain in text_lines(report, Layout(alt_labels=False))
    assert alt not in text_lines(report, Layout(alt_labels=False))


@pytest.mark.parametrize("mark", ["、", "．"])
def test_sub_row_numbering(mark: str) -> None:
    report = report_of(2023)
    text = render_text(report, Layout(numbering=mark, halfwidth=False))
    assert f"1{mark}属于国家秘密" in text and f"8{mark}属于行政查询事项" in text
    assert "1.属于国家秘密" not in text


def test_half_and_full_width_brackets() -> None:
    report = report_of(2023)
    assert "(一)予以公开" in render_text(report, Layout(halfwidth=True))
    assert "（一）予以公开" in render_text(report, Layout(halfwidth=False))


def test_other_handling_as_one_row() -> None:
    report = report_of(2022, blank_cells=2)
    layout = Layout(one_row_other_handling=True, halfwidth=False)
    lines = text_lines(report, layout)
    block = block_of(report, 3)
    children = [r.key for r in block.children("other_handling", report.version)]
    assert len(children) == 3
    assert not any(block.row(c).label in lines for c in children)
    start = lines.index("（六）其他处理")
    printed = printed_cells(report, layout)
    sums = [sum(report.cells[(3, block.key, c, col.key)][0] or 0 for c in children) for col in block.columns]
    assert [printed[(3, block.key, "other_handling", col.key)][0] for col in block.columns] == sums
    assert [lines[start + 2 + 2 * i] for i in range(7)] == [str(s) for s in sums]
    assert soup(report, layout).find(string="（六）其他处理") is not None


# ---------------------------------------------------------------- cells


def test_long_decimals_and_written_units() -> None:
    report = report_of(2023)
    fee = (2, "art20_8", "fees", "fee_amount")
    long = printed_cells(report, Layout(long_decimals=True))[fee]
    if report.cells[fee][0]:
        assert re.fullmatch(r"\d+\.\d{6}", long[1]) and long[0] == float(long[1])
    written = printed_cells(report, Layout(units_written=True))[fee]
    assert written == (report.cells[fee][0], report.cells[fee][1] + "万元")
    assert f"\n{written[1]}\n" in render_text(report, Layout(units_written=True))
    found = [r for s in range(30) for r in [printed_cells(generate_report(s, year=2020), Layout(long_decimals=True))]
             if re.fullmatch(r"\d+\.\d{6}(万元)?", r[(2, "art20_9", "procurement", "procurement_amount")][1])]
    assert found


def test_blank_cells_printed_as_marks() -> None:
    report = report_of(2021, blank_cells=6)
    layout = Layout(blank_marks=True)
    marks = [raw for value, raw in printed_cells(report, layout).values() if value is None]
    assert marks == [BLANK_MARKS[i % 3] for i in range(6)]
    page = render_html(report, layout)
    assert all(f"<td>{html_mark}</td>" in page for html_mark in ("无", "—", "/"))
    assert "<td>&nbsp;</td>" not in page
    figures = [f for f in expected_figures(report, layout) if f.value is None]
    assert [f.raw for f in figures] == marks and all(f.unit == "件" for f in figures)


def test_unchanged_printed_as_chiping() -> None:
    report = report_of(2020)
    layout = Layout(unchanged_as_text=True)
    zeros = [k for k, (v, _) in report.cells.items() if k[3] == "change" and v == 0]
    assert zeros
    figures = {(f.table, f.block, f.row, f.column): f for f in expected_figures(report, layout)}
    for key in zeros:
        assert (figures[key].value, figures[key].raw, figures[key].unit) == (0, "持平", "项")
    assert "\n持平\n" in render_text(report, layout)
    assert "持平" not in render_text(report_of(2023), layout)  # the 2021 format has no change column


def test_approximate_counts() -> None:
    report = report_of(2020)
    layout = Layout(approximate=True)
    approximate = {k: c for k, c in printed_cells(report, layout).items() if c[1].endswith("余")}
    assert approximate
    for key, (value, raw) in approximate.items():
        assert key[0] == 2 and raw == f"{value}余" and value >= 100


# ---------------------------------------------------------------- markdown


def test_markdown_tables_are_pipe_rows() -> None:
    report = report_of(2023, blank_cells=1)
    md = render_markdown(report)
    block = block_of(report, 3)
    raws = [report.cells[(3, block.key, "new", c.key)][1] for c in block.columns]
    assert f"| {block.row('new').label} | " + " | ".join(raws) + " |" in md
    rules = [line for line in md.split("\n") if line.startswith("|---")]
    assert len(rules) == 3  # one per table
    block4 = block_of(report, 4)
    raws4 = [report.cells[(4, block4.key, r.key, c.key)][1] for r in block4.rows for c in block4.columns]
    assert "| " + " | ".join(raws4) + " |" in md.split("\n")  # Table 4: one row of 15 numbers


def test_markdown_converter_shapes() -> None:
    report = report_of(2023)
    plain = render_markdown(report)
    chunks = render_markdown(report, Layout(md_chunks=True))
    assert chunks.count("|---") > plain.count("|---")
    headed = render_markdown(report, Layout(md_headings=True))
    assert headed.count("## 表三：收到和处理政府信息公开申请情况\n|") >= 1
    assert "## 表二：主动公开政府信息情况" in headed and "## 表四" in headed
    footers = render_markdown(report, Layout(page_footers=True)).split("\n")
    pages = [i for i, line in enumerate(footers) if re.fullmatch(r"— \d+ —", line)]
    assert len(pages) >= 2 and [footers[i] for i in pages[:2]] == ["— 1 —", "— 2 —"]
    inside = [i for i in pages if footers[i - 1].startswith("|") and footers[i + 1].startswith("| ")]
    assert inside and all(footers[i + 2].startswith("|---") for i in inside)  # the table goes on as a new one
    split = render_markdown(report, Layout(split_group_labels=True, **FULL_WIDTH))
    assert "| （三）不 | " in split and "| 予公开 | " in split
    assert "（三）不予公开" not in split


def test_markdown_glued_table4() -> None:
    report = report_of(2020)
    lines = render_markdown(report, Layout(glued_table4=True)).split("\n")
    start = lines.index("行政复议行政诉讼")
    assert lines[start + 1] == "未经复议直接起诉复议后起诉"
    assert lines[start + 2].startswith("结果结果其他尚未总计") and lines[start + 3].startswith("维持纠正结果审结")
    block = block_of(report, 4)
    raws = [report.cells[(4, block.key, r.key, c.key)][1] for r in block.rows for c in block.columns]
    assert lines[start + 4] == "| " + " | ".join(raws) + " |" and lines[start + 5] == "|" + "---|" * 15


def test_markdown_broken_table2_loses_its_first_block() -> None:
    report = report_of(2023)
    layout = Layout(broken_table2=True)
    md = render_markdown(report, layout)
    first = FORMAT.table(2).blocks_in(report.version)[0]
    for row in first.rows_in(report.version):
        cells = [report.cells[(2, first.key, row.key, c.key)][1] for c in first.columns]
        assert f"| {row.label} | {cells[0]} | {cells[2]} |" in md
    assert "行政处罚 " + report.cells[(2, "art20_6", "penalties", "decisions")][1] in md.split("\n")
    lost = lost_cells(report, layout)
    assert lost == {k for k in report.cells if k[:2] == (2, first.key)} and len(lost) == 6
    expected = {(f.table, f.block, f.row, f.column) for f in expected_figures(report, layout)}
    assert not expected & lost and len(expected) == len(report.cells) - 6


def test_markdown_wrapped_label_above_its_numbers() -> None:
    report = report_of(2023)
    lines = render_markdown(report, Layout(wrapped_labels=True, **FULL_WIDTH)).split("\n")
    start = lines.index("（二）部分公开（区分处理的，只计这一")
    assert lines[start + 1] == "情形，不计其他情形）"
    raws = [report.cells[(3, "applications", "partly_disclosed", c.key)][1] for c in block_of(report, 3).columns]
    assert lines[start + 2].startswith("| " + " | ".join(raws) + " |")


# ---------------------------------------------------------------- PDF


def test_pdf_table3_on_a_landscape_page(tmp_path: Path) -> None:
    import pdfplumber

    report = report_of(2021)
    render_pdf(report, tmp_path / "r.pdf", Layout(landscape_table3=True))
    with pdfplumber.open(str(tmp_path / "r.pdf")) as pdf:
        turned = [p for p in pdf.pages if p.rotation == 90]
        upright = [p for p in pdf.pages if p.rotation == 0]
        assert turned and upright
        text = turned[0].extract_text()
        assert "一、本年新收政府信息公开申请数量" in text.replace(" ", "")
        assert "主动公开政府信息情况" not in "".join(p.extract_text() for p in turned)
