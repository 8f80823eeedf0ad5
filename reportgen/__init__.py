"""Synthetic 政府信息公开工作年度报告 for the tests and the benchmark: reports, their figures, renderings.

Not part of the installed distribution: the tests and bench/ import it from the repository.
"""

from reportgen.cells import lost_cells, printed_cells
from reportgen.layout import PLAIN, Layout
from reportgen.render import (
    KINDS,
    render_docx,
    render_html,
    render_markdown,
    render_pdf,
    render_text,
    write_rendering,
)
from reportgen.report import (
    FIRST_YEAR,
    LAST_YEAR,
    SyntheticReport,
    expected_figures,
    generate_corpus,
    generate_report,
)

__all__ = [
    "FIRST_YEAR",
    "KINDS",
    "LAST_YEAR",
    "PLAIN",
    "Layout",
    "SyntheticReport",
    "expected_figures",
    "generate_corpus",
    "generate_report",
    "lost_cells",
    "printed_cells",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_pdf",
    "render_text",
    "write_rendering",
]
