"""HTML pages: the article's paragraphs and tables, without the site around it."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ingest.document import Block, Document, Paragraph, Table

_BLOCK_TAGS = [
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
    "li", "ul", "ol", "br", "tr", "blockquote", "center", "dd", "dt", "header", "footer",
]
# Site chrome: navigation, breadcrumbs, share buttons, footers. Removed unless it holds
# the report itself (some sites wrap everything in a div called "header-content").
_CHROME = re.compile(r"nav|menu|footer|foot|breadcrumb|crumb|share|banner|copyright|sidebar|toolbar", re.I)
_CHROME_TAGS = ["script", "style", "noscript", "nav", "footer", "header", "iframe", "form", "select", "button"]
_TABLE_MARK = "\u0000TABLE{}\u0000"
_TABLE_LINE = re.compile("^\u0000TABLE(\\d+)\u0000$")
_SPACES = re.compile(r"[ \t\r\f\v\xa0\u2000-\u200b\u3000]+")


def read(path: Path, text: str) -> Document:
    """Parse the page; blank cells (&nbsp;) stay blank and merged cells keep their columns."""
    soup = BeautifulSoup(text, "lxml")
    hints = {}
    if soup.title and soup.title.string:
        hints["title"] = soup.title.string.strip()
    for tag in soup.find_all(_CHROME_TAGS):
        if not _holds_report(tag):
            tag.decompose()
    for tag in soup.find_all(_is_chrome):
        if not tag.decomposed and not _holds_report(tag):
            tag.decompose()

    tables: list[Table] = []
    for element in soup.find_all("table"):
        if element.find_parent("table") is not None:
            continue
        tables.append(Table(rows=grid(element)))
        element.replace_with(soup.new_string("\n" + _TABLE_MARK.format(len(tables) - 1) + "\n"))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")

    blocks: list[Block] = []
    for line in (soup.body or soup).get_text().split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            continue
        mark = _TABLE_LINE.match(line)
        blocks.append(tables[int(mark.group(1))] if mark else Paragraph(line))
    return Document(blocks=blocks, kind="html", hints=hints)


def grid(table: Tag) -> list[list[str | None]]:
    """The table as a grid: a merged cell's text in its first position, None in the rest."""
    rows: list[list[str | None]] = []
    pending: dict[tuple[int, int], bool] = {}  # positions covered by a rowspan from above
    for r, tr in enumerate(table.find_all("tr")):
        row: list[str | None] = []
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while pending.pop((r, c), False):
                row.append(None)
                c += 1
            text = _SPACES.sub("", cell.get_text()).strip()
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            row.append(text)
            row.extend([None] * (colspan - 1))
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    pending[(r + dr, c + dc)] = True
            c += colspan
        last = max((col for (row_no, col) in pending if row_no == r), default=-1)
        while c <= last:
            pending.pop((r, c), None)
            row.append(None)
            c += 1
        rows.append(row)
    return rows


def _span(cell: Tag, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name, 1)).strip() or 1), 100))
    except ValueError:
        return 1


def _is_chrome(tag: Tag) -> bool:
    names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(names.strip()) and _CHROME.search(names) is not None


def _holds_report(tag: Tag) -> bool:
    return tag.find("table") is not None or "总体情况" in tag.get_text()
