"""The HTML reader's own decisions: a table as a grid (merged cells keep every other cell in its
column), a page's chrome left out, its spacing."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from ingest.document import Paragraph
from ingest.errors import RefusedFile
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
