"""What every rendering of a report page shares: its title as printed, and its sections in order."""

from __future__ import annotations

import random
import zlib
from typing import Iterator

from ingest.nationalformat import national_format
from reportgen.layout import TITLE_FORMS, Layout
from reportgen.names import parse_body
from reportgen.prose import mention
from reportgen.render.grid import Grid, grids
from reportgen.report import SyntheticReport

# The sites' own words around an article (page furniture), not the report's.
BREADCRUMB = "当前位置：首页 > 信息公开 > 政府信息公开年报"
FONT_SIZE = "【字号：大 中 小】"
SHARE = "分享到："
PRINT = "【打印本页】 【关闭窗口】"


def page_title(report: SyntheticReport, layout: Layout) -> str:
    """The title in the layout's order and spacing, on one line."""
    year = f" {report.year} " if layout.title_spaced else str(report.year)
    return TITLE_FORMS[layout.title].format(body=report.body, year=year).strip()


def title_lines(report: SyntheticReport, layout: Layout) -> list[str]:
    """The title as the page prints it: possibly wrapped before its last four characters, labelled."""
    title = page_title(report, layout)
    lines = [title[:-4].rstrip(), title[-4:]] if layout.title_break else [title]
    if layout.title_label:
        lines[0] = f"标题：{lines[0]}"
    return lines


def subtitle(report: SyntheticReport) -> str:
    """The line some reports print under the title: the period the report covers."""
    return f"（{report.year}年1月1日至{report.year}年12月31日）"


def views(report: SyntheticReport) -> int:
    """The page's visit counter, fixed per report."""
    return 37 + zlib.crc32(report.title.encode()) % 5000


def sections(report: SyntheticReport, layout: Layout) -> Iterator[tuple[str, list[str], Grid | None]]:
    """Each section: its heading, its paragraphs and the table printed in it."""
    by_section = grids(report.version, layout.one_row_other_handling)
    for section in national_format().sections:
        paragraphs = report.paragraphs.get(section.number, [])
        if layout.mention and section.number == 1:
            paragraphs = [mention(parse_body(report.body, random.Random(0)), report.year), *paragraphs]
        yield section.title, paragraphs, by_section.get(section.number)
