"""The report as a Word attachment."""

from __future__ import annotations

from pathlib import Path

from reportgen.cells import printed_cells
from reportgen.layout import PLAIN, Layout
from reportgen.render.page import sections, subtitle, title_lines
from reportgen.render.style import label, style_of
from reportgen.report import SyntheticReport


def render_docx(report: SyntheticReport, path: str | Path, layout: Layout = PLAIN) -> None:
    """The report as a Word attachment: title, paragraphs and real tables with merged cells."""
    from docx import Document  # imported here: only this renderer needs python-docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = style_of(report, layout)
    printed = printed_cells(report, layout)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # East Asian text needs its own font slot
    for line in title_lines(report, layout):  # a wrapped title is two paragraphs, as editors type it
        doc.add_paragraph(line, style="Title")
    if layout.subtitle:
        doc.add_paragraph(subtitle(report), style="Subtitle")
    for heading, paragraphs, grid in sections(report, layout):
        doc.add_paragraph().add_run(heading).bold = True
        for paragraph in paragraphs:
            doc.add_paragraph(paragraph)
        if grid is None:
            continue
        table = doc.add_table(rows=grid.nrows, cols=grid.ncols)
        table.style = "Table Grid"
        # Take every cell once before merging: table.cell() walks the whole table per call. The
        # text goes into the anchor first; merging keeps it, as the covered cells are empty.
        cells = [row.cells for row in table.rows]
        for row in grid.rows:
            for slot in row:
                anchor = cells[slot.row][slot.col]
                anchor.text = printed[slot.key][1] if slot.key else label(slot, style, grid.table)
                if slot.rowspan > 1 or slot.colspan > 1:
                    anchor.merge(cells[slot.row + slot.rowspan - 1][slot.col + slot.colspan - 1])
    doc.add_paragraph(report.body)
    doc.add_paragraph(style.signed)
    doc.save(str(path))
