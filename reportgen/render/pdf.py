"""The report as a PDF attachment."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from reportgen.render.style import label, sections, style_of
from reportgen.report import SyntheticReport

_PDF_FONT = "STSong-Light"  # a CID font every PDF viewer has: no font file to ship


@cache
def _pdf_font() -> str:
    """Register the built-in CJK font once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    return _PDF_FONT


def render_pdf(report: SyntheticReport, path: str | Path) -> None:
    """The report as a PDF attachment: wrapped paragraphs and ruled tables with spans."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _pdf_font()
    style = style_of(report)
    esc = html.escape  # Paragraph text is XML-like markup
    title_style = ParagraphStyle("title", fontName=font, fontSize=15, leading=22, alignment=TA_CENTER,
                                 wordWrap="CJK", spaceAfter=12)
    heading_style = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, wordWrap="CJK",
                                   spaceBefore=6, spaceAfter=4)
    body_style = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK",
                                firstLineIndent=21, spaceAfter=4)
    sign_style = ParagraphStyle("sign", parent=body_style, alignment=TA_RIGHT, firstLineIndent=0)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK",
                                alignment=TA_CENTER)
    margin = 40
    usable = A4[0] - 2 * margin
    story: list = [Paragraph(esc(report.title), title_style)]
    for heading, paragraphs, grid in sections(report):
        story.append(Paragraph(esc(heading), heading_style))
        story.extend(Paragraph(esc(p), body_style) for p in paragraphs)
        if grid is None:
            continue
        data: list[list[object]] = [[""] * grid.ncols for _ in range(grid.nrows)]
        commands: list[tuple] = [
            ("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for row in grid.rows:
            for slot in row:
                if slot.key is not None:
                    data[slot.row][slot.col] = report.cells[slot.key][1]
                else:
                    data[slot.row][slot.col] = Paragraph(esc(label(slot, style, grid.table)), cell_style)
                if slot.rowspan > 1 or slot.colspan > 1:
                    commands.append(("SPAN", (slot.col, slot.row),
                                     (slot.col + slot.colspan - 1, slot.row + slot.rowspan - 1)))
        scale = usable / sum(grid.widths)
        table = Table(data, colWidths=[w * scale for w in grid.widths])
        table.setStyle(TableStyle(commands))
        story.append(KeepTogether([Spacer(1, 4), table, Spacer(1, 6)]))
    story.append(Paragraph(esc(report.body), sign_style))
    story.append(Paragraph(esc(style.signed), sign_style))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=report.title, author=report.body, invariant=True)
    doc.build(story)
