"""The report as text copied from its web page."""

from __future__ import annotations

from reportgen.cells import printed_cells
from reportgen.layout import PLAIN, Layout
from reportgen.render.page import BREADCRUMB, FONT_SIZE, PRINT, SHARE, sections, subtitle, title_lines, views
from reportgen.render.style import label, style_of
from reportgen.report import SyntheticReport


def render_text(report: SyntheticReport, layout: Layout = PLAIN) -> str:
    """The report as text copied from its web page: one cell or paragraph a line, blanks kept."""
    style = style_of(report, layout)
    cells = printed_cells(report, layout)
    title = title_lines(report, layout)
    if layout.title_hash:
        title[0] = f"# {title[0]}"
    source = f"信息来源:{report.body} 发布日期:{report.published} 09:30"
    if layout.furniture:
        source += f" 浏览次数:{views(report)}"
    lines = [BREADCRUMB, ""] if layout.furniture else []
    lines += title
    if layout.subtitle:
        lines += ["", subtitle(report)]
    lines += ["", source]

    def put(text: str) -> None:
        # One empty line separates items; a blank item adds only its separator, so a blank
        # cell shows as one extra empty line, as in a real copy.
        lines.append("")
        if text:
            lines.extend(text.split("\n"))

    if layout.furniture:
        put(FONT_SIZE)
    for heading, paragraphs, grid in sections(report, layout):
        put(heading)
        for paragraph in paragraphs:
            put(paragraph)
        if grid is not None:
            for row in grid.rows:
                for slot in row:
                    put(cells[slot.key][1] if slot.key else label(slot, style, grid.table, True))
    put(report.body)
    put(style.signed)
    if layout.furniture:
        put(SHARE)
        put(PRINT)
    return "\n".join(lines) + "\n"
