"""The report as a PDF attachment."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from reportgen.cells import printed_cells
from reportgen.layout import PLAIN, Layout
from reportgen.render.page import sections, subtitle, title_lines
from reportgen.render.style import label, style_of
from reportgen.report import SyntheticReport

_PDF_FONT = "STSong-Light"  # a CID font every PDF viewer has: no font file to ship


@cache
def _pdf_font() -> str:
    """Register the built-in CJK font once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    return _PDF_FONT


def render_pdf(report: SyntheticReport, path: str | Path, layout: Layout = PLAIN) -> None:
    """The report as a PDF attachment: wrapped paragraphs and ruled tables with spans."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _pdf_font()
    style = style_of(report, layout)
    printed = printed_cells(report, layout)
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
    story: list = [Paragraph("<br/>".join(esc(line) for line in title_lines(report, layout)), title_style)]
    if layout.subtitle:
        story.append(Paragraph(esc(subtitle(report)), ParagraphStyle("subtitle", parent=title_style, fontSize=11)))
    for heading, paragraphs, grid in sections(report, layout):
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
                    data[slot.row][slot.col] = printed[slot.key][1]
                else:
                    data[slot.row][slot.col] = Paragraph(esc(label(slot, style, grid.table)), cell_style)
                if slot.rowspan > 1 or slot.colspan > 1:
                    commands.append(("SPAN", (slot.col, slot.row),
                                     (slot.col + slot.colspan - 1, slot.row + slot.rowspan - 1)))
        landscape = layout.landscape_table3 and grid.table == 3
        scale = ((A4[1] if landscape else A4[0]) - 2 * margin) / sum(grid.widths)
        table = Table(data, colWidths=[w * scale for w in grid.widths])
        table.setStyle(TableStyle(commands))
        if landscape:
            story += [NextPageTemplate("landscape"), PageBreak(), table, NextPageTemplate("portrait"), PageBreak()]
        else:
            story.append(KeepTogether([Spacer(1, 4), table, Spacer(1, 6)]))
    story.append(Paragraph(esc(report.body), sign_style))
    story.append(Paragraph(esc(style.signed), sign_style))
    if layout.landscape_table3:
        _build_with_landscape_page(story, path, margin, title=report.title, author=report.body)
        return
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=report.title, author=report.body, invariant=True)
    doc.build(story)


def _build_with_landscape_page(story: list, path: str | Path, margin: float, title: str, author: str) -> None:
    """Build with two page templates: portrait, and a portrait page turned a quarter (/Rotate 90)
    whose content is drawn across its long side, as scanners and office suites print a wide table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    width, height = A4

    def turned(canvas, doc) -> None:
        canvas.translate(width, 0)  # (x, y) on the turned page is (width - y, x) on the sheet
        canvas.rotate(90)

    doc = BaseDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                          bottomMargin=margin, title=title, author=author, invariant=True)
    portrait = PageTemplate("portrait", [Frame(margin, margin, width - 2 * margin, height - 2 * margin)])
    landscape = PageTemplate("landscape", [Frame(margin, margin, height - 2 * margin, width - 2 * margin)],
                             onPage=turned)
    landscape.rotation = 90  # BaseDocTemplate sets each page's /Rotate from its template
    doc.addPageTemplates([portrait, landscape])
    doc.build(story)
