"""The HTML reader's own decisions: a table as a grid (merged cells keep every other cell in its
column), a page's chrome left out, its spacing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import lxml.html
import pytest

from ingest.document import Paragraph
from ingest.errors import RefusedFile
from ingest.limits import current_limits
from ingest.readers.html import grid, read


def cells(rows_html: str) -> list[list[str | None]]:
    table = lxml.html.fromstring(f"<table>{rows_html}</table>")
    return grid(table, Path("page.html"), max_cells=10_000)


@pytest.mark.parametrize(
    "rows_html, expected",
    [
        ("<tr><td colspan='2'>事项</td><td>件数</td></tr>", [["事项", None, "件数"]]),
        ("<tr><td rowspan='2'>行政许可</td><td>1</td></tr><tr><td>2</td></tr>", [["行政许可", "1"], [None, "2"]]),
        # A span in the last column: the rows below it are as wide as the table.
        ("<tr><td>甲</td><td rowspan='3'>合计</td></tr><tr><td>乙</td></tr><tr><td>丙</td></tr>",
         [["甲", "合计"], ["乙", None], ["丙", None]]),
        # Over two rows and two columns at once.
        ("<tr><td rowspan='2' colspan='2'>申请人情况</td><td>自然人</td></tr><tr><td>3</td></tr>",
         [["申请人情况", None, "自然人"], [None, None, "3"]]),
        # A shorter span inside a longer one's rows ends first; the longer one still covers its rows.
        ("<tr><td rowspan='3'>一</td><td rowspan='2'>二</td><td>1</td></tr><tr><td>2</td></tr><tr><td>三</td><td>3</td></tr>",
         [["一", "二", "1"], [None, None, "2"], [None, "三", "3"]]),
        ("<tr><th>标 题</th><td>\u3000 5 \xa0</td></tr>", [["标题", "5"]]),  # spaces inside a cell are layout
    ],
)
def test_merged_cells_keep_the_others_in_their_columns(rows_html, expected):
    assert cells(rows_html) == expected


def test_a_paragraphs_runs_of_spaces_are_one_space():
    document = read(Path("page.html"), "<html><body><p>全年共受理 \u3000\xa0 申请30件。</p></body></html>")
    assert [b.text for b in document.blocks if isinstance(b, Paragraph)] == ["全年共受理 申请30件。"]


def test_a_grid_past_its_cell_limit_is_refused_counting_every_row():
    """Three rows of three cells: 9 positions, over a limit of 8 only when the rows are added up."""
    table = lxml.html.fromstring("<table>" + "<tr><td>1</td><td>2</td><td>3</td></tr>" * 3 + "</table>")
    assert len(grid(table, Path("page.html"), max_cells=9)) == 3
    with pytest.raises(RefusedFile, match="max_table_cells"):
        grid(table, Path("page.html"), max_cells=8)


def test_a_pages_chrome_is_left_out_by_its_id_or_class_unless_it_holds_the_report():
    page = """<html><body>
      <div id="topnav">首页 政务公开 年度报告</div>
      <div class="sidebar">相关链接：省政府门户网站</div>
      <div class="content-footer"><p>一、总体情况</p><p>本机关全年主动公开信息120条。</p></div>
    </body></html>"""
    texts = [b.text for b in read(Path("page.html"), page).blocks if isinstance(b, Paragraph)]
    assert texts == ["一、总体情况", "本机关全年主动公开信息120条。"]


@pytest.mark.parametrize(
    "chrome",
    [
        '<div class="main-menu">首页 机构 公开</div>',
        '<div id="breadcrumb">首页 > 年报</div>',
        '<div class="crumbs">首页 > 年报</div>',
        '<div class="share-bar">分享到微信</div>',
        '<div class="top-banner">某某市人民政府网</div>',
        '<div class="copyright">版权所有 某某市人民政府</div>',
        '<div class="toolbar">打印 关闭</div>',
        '<div class="foot">主办单位 某某市人民政府办公室</div>',
        "<header>某某市人民政府网</header>",
        "<nav>首页 政务公开</nav>",
        "<footer>网站标识码 3208000001</footer>",
        "<form>搜索<select><option>全站</option></select><button>搜</button></form>",
        "<iframe>外链</iframe>",
        "<script>var x = '统计';</script><style>p { color: red }</style><noscript>请启用脚本</noscript>",
    ],
)
def test_every_kind_of_site_chrome_is_left_out(chrome):
    page = f"<html><head><title>页面</title></head><body>{chrome}<p>一、总体情况</p><p>正文。</p></body></html>"
    texts = [b.text for b in read(Path("page.html"), page).blocks if isinstance(b, Paragraph)]
    assert texts == ["一、总体情况", "正文。"]


def test_block_elements_end_their_lines_and_the_pages_title_is_a_hint_not_text():
    page = ("<html><head><title>某某县人民政府2024年政府信息公开工作年度报告</title></head><body>"
            "<div><p>第一段。</p><p>第二段。</p>甲<br>乙<h2>二、主动公开</h2><ul><li>一项</li><li>二项</li></ul></div>"
            "</body></html>")
    document = read(Path("page.html"), page)
    assert [b.text for b in document.blocks] == ["第一段。", "第二段。", "甲", "乙", "二、主动公开", "一项", "二项"]
    assert document.hints == {"title": "某某县人民政府2024年政府信息公开工作年度报告"}
    assert document.kind == "html"


def test_a_span_is_capped_and_a_span_that_is_no_number_is_one():
    (row,) = cells("<tr><td colspan='1000'>甲</td><td>乙</td></tr>")
    assert len(row) == 101 and row[0] == "甲" and row[-1] == "乙"
    assert cells("<tr><td colspan='两'>甲</td><td colspan=''>乙</td><td>丙</td></tr>") == [["甲", "乙", "丙"]]


def test_a_page_that_cannot_be_parsed_is_refused_saying_so():
    with pytest.raises(RefusedFile, match="an HTML page that cannot be parsed"):
        read(Path("page.html"), "")


@pytest.mark.parametrize(
    "tag", ["p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
            "blockquote", "center", "dd", "dt"],
)
def test_a_block_element_is_a_line_of_its_own(tag):
    page = f"<html><body><div>之前的文字<{tag}>这一块</{tag}>之后的文字</div></body></html>"
    assert [b.text for b in read(Path("page.html"), page).blocks] == ["之前的文字", "这一块", "之后的文字"]


def test_a_page_with_an_xml_declaration_is_read():
    page = '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>一、总体情况</p></body></html>'
    assert [b.text for b in read(Path("page.html"), page).blocks] == ["一、总体情况"]


def test_a_page_nested_as_deep_as_the_limit_is_read_and_one_level_more_refused():
    limits = dataclasses.replace(current_limits(), max_html_depth=10)

    def page(divs: int) -> str:  # html, body, then the divs: 2 + divs levels
        return "<html><body>" + "<div>" * divs + "一、总体情况" + "</div>" * divs + "</body></html>"

    assert [b.text for b in read(Path("page.html"), page(8), limits).blocks] == ["一、总体情况"]
    with pytest.raises(RefusedFile, match=r"nested 11 deep, over the limit of 10 \(max_html_depth\)"):
        read(Path("page.html"), page(9), limits)
