"""The report as text copied from its web page."""

from __future__ import annotations

from reportgen.render.style import label, sections, style_of
from reportgen.report import SyntheticReport


def render_text(report: SyntheticReport) -> str:
    """The report as text copied from its web page: one cell or paragraph a line, blanks kept."""
    style = style_of(report)
    lines = [report.title, "", f"信息来源:{report.body} 发布日期:{report.published} 09:30"]

    def put(text: str) -> None:
        # One empty line separates items; a blank item adds only its separator, so a blank
        # cell shows as one extra empty line, as in a real copy.
        lines.append("")
        if text:
            lines.extend(text.split("\n"))

    for heading, paragraphs, grid in sections(report):
        put(heading)
        for paragraph in paragraphs:
            put(paragraph)
        if grid is not None:
            for row in grid.rows:
                for slot in row:
                    put(report.cells[slot.key][1] if slot.key else label(slot, style, grid.table, True))
    put(report.body)
    put(style.signed)
    return "\n".join(lines) + "\n"
