"""Renderers: one module per file kind, each drawing the same grids and printing habits."""

from __future__ import annotations

from pathlib import Path

from reportgen.layout import PLAIN, Layout
from reportgen.render.docx import render_docx
from reportgen.render.html import render_html
from reportgen.render.markdown import render_markdown
from reportgen.render.pdf import render_pdf
from reportgen.render.text import render_text
from reportgen.report import SyntheticReport

KINDS = ("text", "html", "markdown", "docx", "pdf")
_TEXT_RENDERERS = {"text": render_text, "html": render_html, "markdown": render_markdown}


def write_rendering(report: SyntheticReport, kind: str, path: str | Path, layout: Layout = PLAIN) -> Path:
    """The report rendered as ``kind`` (one of KINDS) into ``path``."""
    path = Path(path)
    if kind in _TEXT_RENDERERS:
        path.write_text(_TEXT_RENDERERS[kind](report, layout), "utf-8")
    elif kind == "docx":
        render_docx(report, path, layout)
    elif kind == "pdf":
        render_pdf(report, path, layout)
    else:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return path


__all__ = ["KINDS", "render_docx", "render_html", "render_markdown", "render_pdf", "render_text", "write_rendering"]
