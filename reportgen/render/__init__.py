"""Renderers: one module per file kind, each drawing the same grids and printing habits."""

from reportgen.render.docx import render_docx
from reportgen.render.html import render_html
from reportgen.render.markdown import render_markdown
from reportgen.render.pdf import render_pdf
from reportgen.render.text import render_text

__all__ = ["render_docx", "render_html", "render_markdown", "render_pdf", "render_text"]
