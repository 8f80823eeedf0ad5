"""A document's report structure: title, body, year, date, sections and quotable passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.document import Document, Paragraph, Table
from ingest.errors import NotAReport
from ingest.model import Passage
from ingest.nationalformat import fold, section_number

_TITLE = re.compile(
    r"(?P<body>.*?)(?P<year>(?:19|20)\d{2})年度?(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)"
)
_DATE = re.compile(r"(?:发布|成文)(?:日期|时间)[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# Look for the title among the first lines only: later ones quote other reports.
_TITLE_WINDOW = 12
# Quotable prose has a clause mark; navigation, signatures and table labels do not.
_PROSE = re.compile(r"[，。；！？,;]")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」）)]*|[^。！？!?]+$")
_PASSAGE_MAX = 300
_WHITESPACE = re.compile(r"[\s\u2000-\u200b\u3000\xa0]+")
_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|地区|盟|州)$")


@dataclass
class ReportStructure:
    title: str
    body: str
    year: int
    published: str | None
    sections: dict[int, str] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    tables: list[tuple[int | None, Table]] = field(default_factory=list)


def read_structure(path: Path, document: Document) -> ReportStructure:
    """Find what makes the document a report; refuse it if it has no report title."""
    paragraphs = document.paragraphs()
    title, body, year = _find_title(paragraphs, document.hints.get("title", ""))
    if title is None:
        raise NotAReport(path, "no title of a 政府信息公开工作年度报告 (e.g. '某某人民政府2020年政府信息公开工作年度报告') was found")
    body = _full_body_name(body, paragraphs)
    structure = ReportStructure(title=title, body=body, year=year, published=_find_date(document))

    section: int | None = None
    heading = ""
    for block in document.blocks:
        if isinstance(block, Table):
            structure.tables.append((section, block))
            continue
        number = section_number(block.text)
        if number is not None:
            section = number
            structure.sections.setdefault(number, block.text.strip())
            heading = ""
            continue
        if fold(block.text) in fold(title):
            continue  # the title, or a line of it
        if not _PROSE.search(block.text):
            heading = block.text.strip()  # a sub-heading gives the next passage its context
            continue
        for text in split_passage(_WHITESPACE.sub(" ", block.text).strip()):
            structure.passages.append(Passage(section or 0, text, heading))
    return structure


def split_passage(text: str) -> list[str]:
    """A paragraph as quotable passages: whole sentences, at most about _PASSAGE_MAX chars each."""
    if len(text) <= _PASSAGE_MAX:
        return [text]
    passages: list[str] = []
    current = ""
    for sentence in _SENTENCE.findall(text):
        if current and len(current) + len(sentence) > _PASSAGE_MAX:
            passages.append(current)
            current = ""
        current += sentence
    if current:
        passages.append(current)
    return passages


def _find_title(paragraphs: list[str], hint: str) -> tuple[str | None, str, int]:
    window = [fold(p) for p in paragraphs[:_TITLE_WINDOW]]
    for index, line in enumerate(window):
        match = _TITLE.search(line)
        if not match:
            continue
        body = match.group("body")
        title = match.group(0)
        # A title broken over lines: the body on the line before ("淮安市人民政府" / "2024年…").
        if not body and index > 0 and len(window[index - 1]) <= 30 and not _PROSE.search(window[index - 1]):
            body = window[index - 1]
            title = body + title
        if body and len(body) <= 40 and not _PROSE.search(body):
            return title, body, int(match.group("year"))
    match = _TITLE.search(fold(hint))
    if match and match.group("body"):
        return match.group(0), match.group("body"), int(match.group("year"))
    return None, "", 0


def _full_body_name(body: str, paragraphs: list[str]) -> str:
    """The body with its city or province when the report names it so (洪泽区人民政府 →
    淮安市洪泽区人民政府), so that one body keeps one name across years."""
    counts: dict[str, int] = {}
    for paragraph in paragraphs:
        text = fold(paragraph)
        start = text.find(body)
        while start > 0:
            for length in range(2, min(start, 9) + 1):
                prefix = text[start - length : start]
                if _PLACE_PREFIX.match(prefix):
                    counts[prefix] = counts.get(prefix, 0) + 1
                    break
            start = text.find(body, start + 1)
    if not counts:
        return body
    return max(counts, key=counts.get) + body  # type: ignore[arg-type]


def _find_date(document: Document) -> str | None:
    candidates = [document.hints.get("published", "")] + document.paragraphs()[:_TITLE_WINDOW] + document.paragraphs()[-12:]
    for text in candidates:
        match = _DATE.search(text or "")
        if match:
            year, month, day = (int(g) for g in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None
