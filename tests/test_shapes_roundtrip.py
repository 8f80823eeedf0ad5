"""Every shape of real reports, generated, through the real parser: body, year, format and every
figure must come back as the generator's truth, for each reader the shape appears in.

Shapes from the issue "Real reports from the wild". Cases the parser does not handle yet are
strict xfails naming the gap: each turns into a failure (XPASS) as soon as the parser handles
it, and its mark is then removed. Cells a shape loses by nature (the markdown converter's
broken Table 2) are left out of the truth, so they must come back absent, never wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.parse import parse_report
from ingest.readers import detect_kind
from reportgen import Layout, expected_figures, generate_report, write_rendering

# Writing Word and PDF is slow (python-docx merges cells in quadratic time, reportlab lays out
# pages), so they meet only the shapes that reach their readers in a way of their own: how the
# title stands on the page, and one of each kind of change inside the table cells, which every
# grid reader reads alike. A title worded another way on one line is the same paragraph to them.
PAGE_KINDS = ("text", "html", "docx", "markdown")
CELL_KINDS = ("text", "html", "markdown")


@dataclass(frozen=True)
class Shape:
    """One shape of real reports: the layout that makes it, where it appears, the report it is tried on."""

    name: str
    layout: Layout
    kinds: tuple[str, ...]
    body: str
    years: tuple[int, ...]
    blank_cells: int = 0
    gaps: tuple[tuple[str, str], ...] = ()  # (kind or "*", what the parser does not handle yet)


SHAPES = (
    # ---- titles
    Shape("title-year-first", Layout(title="year_first"), PAGE_KINDS, "杭州市西湖区财政局", (2021,)),
    Shape("title-nian-du", Layout(title="year_du"), CELL_KINDS, "广州市天河区教育局", (2020,)),
    Shape("title-without-gongzuo", Layout(title="no_work"), CELL_KINDS, "成都市武侯区人民政府", (2022,)),
    Shape("title-guanyu", Layout(title="guanyu"), PAGE_KINDS, "宜昌市秭归县人民政府", (2022,)),
    Shape("title-spaced", Layout(title_spaced=True), ("text", "html", "markdown", "pdf"), "宁波市交通运输局", (2024,)),
    Shape("title-wrapped", Layout(title_break=True), PAGE_KINDS, "青岛市市南区民政局", (2021,)),
    Shape("title-year-first-spaced-wrapped", Layout(title="year_first", title_spaced=True, title_break=True),
          (*PAGE_KINDS, "pdf"), "苏州市吴中区司法局", (2024,)),
    Shape("subtitle", Layout(subtitle=True), PAGE_KINDS, "合肥市蜀山区人民政府", (2019,)),
    Shape("title-label", Layout(title_label=True), PAGE_KINDS, "郑州市金水区市场监督管理局", (2023,)),
    Shape("title-markdown-hash", Layout(title_hash=True), ("text", "markdown"), "济南市历下区住房和城乡建设局", (2020,)),
    Shape("page-furniture", Layout(furniture=True), ("text", "html"), "武汉市江汉区卫生健康委员会", (2022,)),
    Shape("other-body-mentioned", Layout(mention=True), PAGE_KINDS, "南京市鼓楼区人民政府", (2023,)),
    Shape("other-body-mentioned-year-first", Layout(title="year_first", mention=True), ("text", "html"),
          "徐州市鼓楼区人民政府", (2021,)),
    # ---- HTML tables
    Shape("html-header-cells-in-paragraphs", Layout(split_header_cells=True), ("html",), "柳州市鱼峰区人民政府",
          (2023,)),
    Shape("html-digits-in-spans", Layout(split_digits=True), ("html",), "深圳市南山区人民政府", (2020,)),
    Shape("html-table3-split", Layout(split_table3=True), ("html",), "温州市鹿城区民政局", (2021,)),
    Shape("wrapped-row-labels", Layout(wrapped_labels=True), ("html", "markdown"), "佛山市顺德区人民政府", (2020, 2023)),
    # ---- labels
    Shape("labels-alternative", Layout(alt_labels=True), PAGE_KINDS, "桂林市秀峰区人民政府", (2020, 2023)),
    Shape("labels-as-the-format", Layout(alt_labels=False, halfwidth=False), CELL_KINDS, "南宁市青秀区财政局", (2021,)),
    Shape("labels-half-width", Layout(halfwidth=True), CELL_KINDS, "厦门市思明区人民政府", (2022,)),
    Shape("numbering-dun", Layout(numbering="、"), PAGE_KINDS, "重庆市渝中区民政局", (2021,)),
    Shape("numbering-full-width-dot", Layout(numbering="．"), CELL_KINDS, "北京市海淀区司法局", (2020,)),
    Shape("other-handling-one-row", Layout(one_row_other_handling=True), PAGE_KINDS, "上海市徐汇区人民政府",
          (2023,), blank_cells=2),
    # ---- cells
    Shape("amounts-six-decimals", Layout(long_decimals=True), CELL_KINDS, "芜湖市镜湖区财政局", (2019, 2022)),
    Shape("blank-marks", Layout(blank_marks=True), PAGE_KINDS, "绵阳市涪城区人民政府", (2021,), blank_cells=5),
    Shape("change-chiping", Layout(unchanged_as_text=True), CELL_KINDS, "洛阳市西工区人民政府", (2020,)),
    Shape("counts-with-yu", Layout(approximate=True), CELL_KINDS, "天津市南开区人民政府", (2019,)),
    Shape("amounts-with-wanyuan", Layout(units_written=True), CELL_KINDS, "长沙市岳麓区人民政府", (2023,)),
    # ---- markdown as a PDF converter leaves it
    Shape("markdown-pipe-rows", Layout(), ("markdown",), "昆明市五华区人民政府", (2023,)),
    Shape("markdown-row-runs", Layout(md_chunks=True), ("markdown",), "太原市小店区人民政府", (2020,)),
    Shape("markdown-table-headings", Layout(md_headings=True), ("markdown",), "南昌市东湖区人民政府", (2022,)),
    Shape("markdown-page-footers", Layout(page_footers=True), ("markdown",), "贵阳市南明区人民政府", (2021,)),
    Shape("markdown-group-labels-split", Layout(split_group_labels=True), ("markdown",), "兰州市城关区人民政府",
          (2023,)),
    Shape("markdown-table4-glued-header", Layout(glued_table4=True), ("markdown",), "西安市雁塔区人民政府", (2020,)),
    Shape("markdown-table2-broken", Layout(broken_table2=True), ("markdown",), "石家庄市长安区人民政府", (2024,)),
    # ---- PDF
    Shape("pdf-table3-landscape", Layout(landscape_table3=True), ("pdf",), "哈尔滨市道里区人民政府", (2022,)),
)


def gap(shape: Shape, kind: str) -> str | None:
    """What the parser does not handle yet in this case, or None when it should pass."""
    reasons = [reason for where, reason in shape.gaps if where in ("*", kind)]
    return "; ".join(reasons) or None


def cases():
    for shape in SHAPES:
        for year in shape.years:
            for kind in shape.kinds:
                reason = gap(shape, kind)
                marks = [pytest.mark.xfail(strict=True, reason=f"parser: {reason}")] if reason else []
                yield pytest.param(shape, year, kind, id=f"{shape.name}-{year}-{kind}", marks=marks)


def figure_set(figures):
    return {(f.table, f.block, f.row, f.column, f.value, f.unit, f.raw) for f in figures}


@pytest.mark.parametrize(("shape", "year", "kind"), list(cases()))
def test_shape_parses_back_to_the_truth(shape: Shape, year: int, kind: str, tmp_path: Path) -> None:
    report = generate_report(seed=year * 31 + len(shape.name), body=shape.body, year=year,
                             blank_cells=shape.blank_cells)
    path = write_rendering(report, kind, tmp_path / f"report-{kind}.bin", shape.layout)
    assert detect_kind(path.read_bytes()) == ("text" if kind == "markdown" else kind)
    parsed = parse_report(path)
    assert (parsed.body, parsed.year, parsed.format) == (report.body, year, report.version)
    assert figure_set(parsed.figures) == figure_set(expected_figures(report, shape.layout))


def test_every_reader_meets_the_shapes() -> None:
    kinds = {kind for shape in SHAPES for kind in shape.kinds}
    assert kinds == {"text", "html", "docx", "markdown", "pdf"}
    assert len({shape.name for shape in SHAPES}) == len(SHAPES)
