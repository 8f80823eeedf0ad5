"""PDF: ruled tables by cell geometry (pdfplumber), the rest as paragraphs, in page order.

The plain text of a PDF table loses its rows (numbers land on the line before or after
their label, vertical group labels come out a character a line), so table rows are taken
from pdfplumber's table finder, and only text outside those rows is read as prose.
"""

from __future__ import annotations

import itertools
import logging
import re
from io import BytesIO
from pathlib import Path

from config import Limits
from ingest.document import CLAUSE_MARKS, Block, Document, Paragraph, Table
from ingest.errors import NotAReport, RefusedFile, UnsupportedFile
from ingest.limits import current_limits, over_limit
from ingest.nationalformat import section_number
from ingest.readers.furniture import is_page_number

# Outside a table, a line that is only a number is a page number too.
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# pdfplumber puts a space wherever glyphs stand apart, which in Chinese text is noise.
_SPACES = re.compile(r"\s+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_SECTION_END = ("。", "：", ":", "！", "？", "；")

for _noisy in ("pdfminer", "pdfplumber"):
    logging.getLogger(_noisy).setLevel(logging.ERROR)


def tidy(text: str) -> str:
    """PDF text with the spaces between Chinese characters removed."""
    return _SPACES.sub(_space_or_none, text).strip()


def _space_or_none(match: re.Match[str]) -> str:
    # Looking at the characters on either side keeps this linear: a pattern that looks
    # ahead past a run of spaces (\s+(?=[CJK])) retries the run from each of its spaces.
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if _CJK_CHAR.match(before) or _CJK_CHAR.match(after) else match.group()


def read(path: Path, data: bytes, limits: Limits | None = None) -> Document:
    """Read a PDF's text layer; an encrypted, damaged, too long or scanned PDF is refused."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    limits = limits or current_limits()
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except MemoryError:
        raise
    except Exception as error:  # pdfminer raises many types for a broken file
        raise _refusal(path, error) from None
    items: list[tuple[str, object]] = []
    try:
        with pdf:
            # Counting the page tree costs little; reading pages is the work the limit bounds.
            pages = sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), limits.max_pdf_pages + 1))
            if pages > limits.max_pdf_pages:
                raise over_limit(path, f"a PDF of more than {limits.max_pdf_pages} pages", f"{limits.max_pdf_pages} pages", "max_pdf_pages")
            for page in pdf.pages:
                items.extend(_page_items(page))
                page.close()  # its parsed objects: memory grows with one page, not with all
    except (MemoryError, RefusedFile):
        raise
    except Exception as error:
        raise _refusal(path, error) from None
    if not any(kind == "line" for kind, _ in items):
        raise NotAReport(path, "the PDF has no text layer (a scanned 图片版 PDF cannot be read)")
    return Document(blocks=_blocks(items), kind="pdf")


def _refusal(path: Path, error: Exception) -> UnsupportedFile:
    """What a pdfminer or pdfplumber error means for a person: encrypted, or damaged and how."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFNoValidXRef, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSEOF

    # pdfplumber wraps pdfminer's errors in its own PdfminerException.
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    if isinstance(cause, PDFPasswordIncorrect):
        return UnsupportedFile(path, "an encrypted (password-protected) PDF: it opens only with its password")
    if isinstance(cause, PDFEncryptionError):
        return UnsupportedFile(path, f"an encrypted PDF whose encryption cannot be read ({_short(cause)})")
    if isinstance(cause, (PSEOF, EOFError)):
        reason = "it ends too early: truncated"
    elif isinstance(cause, PDFNoValidXRef):
        reason = "no valid cross-reference table"
    elif "/Root" in str(cause):
        reason = "no document catalogue"
    else:
        reason = _short(cause)
    return UnsupportedFile(path, f"a damaged PDF ({reason})")


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()).strip("'\"")
    return text[:100] or "its structure cannot be read"


def _page_items(page) -> list[tuple[str, object]]:
    """('line', (x0, x1, text, char_width)) and ('row', cells) items in top-to-bottom order."""
    positioned: list[tuple[float, str, object]] = []
    row_boxes: list[tuple[float, float]] = []
    for table in page.find_tables():
        if len(table.columns) < 2:
            continue  # a frame around prose, not a table
        for row, cells in zip(table.rows, table.extract()):
            cells = [None if c is None else tidy(c.replace("\n", "")) for c in cells]
            if _is_table_row(cells):
                top, bottom = row.bbox[1], row.bbox[3]
                row_boxes.append((top, bottom))
                positioned.append((top, "row", cells))
    for line in page.extract_text_lines(keep_blank_chars=False):
        middle = (line["top"] + line["bottom"]) / 2
        if any(top <= middle <= bottom for top, bottom in row_boxes):
            continue
        text = tidy(line["text"])
        if not text or is_page_number(text) or _BARE_NUMBER.match(text):
            continue
        chars = line.get("chars") or []
        width = (line["x1"] - line["x0"]) / max(len(chars), 1)
        positioned.append((line["top"], "line", (line["x0"], line["x1"], text, width)))
    positioned.sort(key=lambda item: item[0])
    return [(kind, value) for _, kind, value in positioned]


def _is_table_row(cells: list[str | None]) -> bool:
    """A row of a real table, not prose that the table finder boxed in a frame."""
    filled = [c for c in cells if c]
    if len(filled) >= 2:
        return True
    if len(filled) == 1:
        text = filled[0]
        # A block heading such as 第二十条第（一）项, not a wrapped line of a framed paragraph.
        return len(text) <= 20 and not CLAUSE_MARKS.search(text) and section_number(text) is None
    return False


def _blocks(items: list[tuple[str, object]]) -> list[Block]:
    lines = [value for kind, value in items if kind == "line"]
    left = _most_common(x0 for x0, *_ in lines)
    right = _most_common(x1 for _, x1, *_ in lines)
    blocks: list[Block] = []
    paragraph: list[str] = []
    rows: list[list[str | None]] = []
    previous_end = right
    previous_text = ""

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(Paragraph("".join(paragraph)))
            paragraph.clear()

    def flush_table() -> None:
        if rows:
            blocks.append(Table(rows=list(rows)))
            rows.clear()

    for kind, value in items:
        if kind == "row":
            flush_paragraph()
            rows.append(value)  # type: ignore[arg-type]
            continue
        x0, x1, text, width = value  # type: ignore[misc]
        flush_table()
        indented = x0 > left + 1.5 * width
        # A line that stops short ends its paragraph only where a sentence or heading ends:
        # half-width characters make many lines inside a paragraph a little shorter.
        ended = previous_end < right - 2 * width and (
            previous_text.endswith(_SECTION_END) or not CLAUSE_MARKS.search(previous_text)
        )
        if indented or ended or section_number(text) is not None or _ends_heading(paragraph):
            flush_paragraph()
        paragraph.append(text)
        previous_end, previous_text = x1, text
    flush_paragraph()
    flush_table()
    return blocks


def _most_common(values) -> float:
    counts: dict[int, int] = {}
    for value in values:
        counts[round(value)] = counts.get(round(value), 0) + 1
    return float(max(counts, key=counts.get)) if counts else 0.0  # type: ignore[arg-type]


def _ends_heading(paragraph: list[str]) -> bool:
    return len(paragraph) == 1 and section_number(paragraph[0]) is not None
