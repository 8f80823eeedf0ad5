"""HTML pages: the article's paragraphs and tables, without the site around it.

Parsed with lxml directly: a report page is parsed in a couple of milliseconds, several
times faster than through BeautifulSoup, which matters at thousands of reports.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import lxml.html
from lxml import etree

from config import Limits
from ingest.document import Block, Document, Paragraph, Table
from ingest.errors import UnsupportedFile
from ingest.limits import check_table_cells, current_limits, over_limit

_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
    "li", "ul", "ol", "br", "tr", "blockquote", "center", "dd", "dt", "header", "footer",
)
# Site chrome: navigation, breadcrumbs, share buttons, footers. Removed unless it holds
# the report itself (some sites wrap everything in a div called "header-content").
_CHROME = re.compile(r"nav|menu|footer|foot|breadcrumb|crumb|share|banner|copyright|sidebar|toolbar", re.I)
_CHROME_TAGS = ("script", "style", "noscript", "nav", "footer", "header", "iframe", "form", "select", "button")
_TABLE_MARK = "\ue000TABLE{}\ue000"
_TABLE_LINE = re.compile("^\ue000TABLE(\\d+)\ue000$")
_SPACES = re.compile(r"[ \t\r\f\v\xa0\u2000-\u200b\u3000]+")
# lxml refuses a str that declares its own encoding; the text is already decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read(path: Path, text: str, limits: Limits | None = None) -> Document:
    """Parse the page; blank cells (&nbsp;) stay blank and merged cells keep their columns."""
    limits = limits or current_limits()
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text))
    except (etree.ParserError, ValueError) as error:
        raise UnsupportedFile(path, f"an HTML page that cannot be parsed ({error})") from None
    if _deeper_than(limits.max_html_depth)(root):
        raise over_limit(path, f"HTML elements nested {_depth(root)} deep", str(limits.max_html_depth), "max_html_depth")
    hints = {}
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        hints["title"] = title.text_content().strip()
    # Each check walks up the element's ancestors and through its subtree: with the depth
    # bounded above, nested chrome costs at most that many passes over the page.
    for element in list(root.iter(*_CHROME_TAGS)) + [e for e in root.iter() if _is_chrome(e)]:
        if element.getparent() is not None and _in_tree(element, root) and not _holds_report(element):
            element.drop_tree()

    tables: list[Table] = []
    for element in root.xpath("//table[not(ancestor::table)]"):
        tables.append(Table(rows=grid(element, path, limits.max_table_cells)))
        mark = lxml.html.Element("p")
        mark.text = _TABLE_MARK.format(len(tables) - 1)
        mark.tail = element.tail
        element.getparent().replace(element, mark)
    for element in root.iter(*_BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")

    body = root.find("body")
    blocks: list[Block] = []
    for line in (body if body is not None else root).text_content().split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            continue
        mark = _TABLE_LINE.match(line)
        blocks.append(tables[int(mark.group(1))] if mark else Paragraph(line))
    return Document(blocks=blocks, kind="html", hints=hints)


def grid(table: etree._Element, path: Path, max_cells: int) -> list[list[str | None]]:
    """The table as a grid: a merged cell's text in its first position, None in the rest.

    Work and memory grow with the grid, merged positions included; a grid of more than
    `max_cells` positions is refused (max_table_cells) before it is finished.
    """
    rows: list[list[str | None]] = []
    # Per column, the first row below the table's current row that a rowspan from above no longer covers.
    until: list[int] = []
    cells = 0
    for r, tr in enumerate(_own_rows(table)):
        row: list[str | None] = []
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while c < len(until) and until[c] > r:
                row.append(None)
                c += 1
            text = _SPACES.sub("", cell.text_content()).strip()
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            row.append(text)
            row.extend([None] * (colspan - 1))
            if rowspan > 1:
                until.extend([0] * (c + colspan - len(until)))
                for column in range(c, c + colspan):
                    until[column] = max(until[column], r + rowspan)
            c += colspan
            check_table_cells(path, cells + len(row), max_cells)
        while until and until[-1] <= r:
            until.pop()  # spans that ended: later rows need not look at them
        row.extend([None] * (len(until) - c))  # covered from above past this row's last cell
        rows.append(row)
        cells += len(row)
    return rows


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The table's rows in document order, not those of tables nested inside it."""
    return _ROWS_AT(table, tables=_TABLES_ABOVE(table) + 1)


_TABLES_ABOVE = etree.XPath("count(ancestor::table)")
_ROWS_AT = etree.XPath(".//tr[count(ancestor::table) = $tables]")


@lru_cache(maxsize=8)
def _deeper_than(depth: int) -> etree.XPath:
    """Whether any element nests deeper than `depth`: a path of depth + 1 steps, one level of
    the tree per step, so the whole tree is read once (in C)."""
    return etree.XPath("boolean(" + "/*" * (depth + 1) + ")")


def _depth(root: etree._Element) -> int:
    """How deep elements nest (the root counts one)."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _span(cell: etree._Element, name: str) -> int:
    value = cell.get(name)
    if value is None:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), 100))
    except ValueError:
        return 1


def _is_chrome(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return False  # comments and processing instructions
    names = f"{element.get('id') or ''} {element.get('class') or ''}"
    return bool(names.strip()) and _CHROME.search(names) is not None


def _in_tree(element: etree._Element, root: etree._Element) -> bool:
    """Still attached: a parent already removed takes its children with it."""
    return any(ancestor is root for ancestor in element.iterancestors())


def _holds_report(element: etree._Element) -> bool:
    return element.find(".//table") is not None or "总体情况" in element.text_content()
