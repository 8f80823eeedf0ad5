"""A document's report structure: title, body, year, date, sections and quotable passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.document import CLAUSE_MARKS, Document, Table
from ingest.errors import NotAReport
from ingest.model import Passage
from ingest.nationalformat import fold, national_format, section_number
from ingest.titles import TITLE_WINDOW, find_title, full_body_name

_DATE = re.compile(r"(?:发布|成文)(?:日期|时间)[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」）)]*|[^。！？!?]+$")
_PASSAGE_MAX = 300
_WHITESPACE = re.compile(r"[\s\u2000-\u200b\u3000\xa0]+")
# A sentence that only announces what follows (重点采取如下改进措施。, 主要表现在：) says nothing
# quoted alone: it opens the passage of the text it announces.
_LEAD_IN = re.compile(r"(?:如下|以下)[^。！？：:]{0,10}[。：:]$|[：:]$")
_LEAD_IN_MAX = 80


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
    found = find_title(paragraphs, document.hints.get("title", ""))
    if found is None:
        raise NotAReport(path, "no title of a 政府信息公开工作年度报告 (e.g. '某某人民政府2020年政府信息公开工作年度报告') was found")
    title = found.text
    body = full_body_name(found.body, paragraphs)
    structure = ReportStructure(title=title, body=body, year=found.year, published=_find_date(document))

    section: int | None = None
    heading = ""
    lead_in: Passage | None = None  # the sentence announcing the next paragraph, not yet stored

    def store(passage: Passage | None) -> None:
        if passage is not None:
            structure.passages.extend(Passage(passage.section, text, passage.heading) for text in split_passage(passage.text))

    for block in document.blocks:
        announces_prose = not isinstance(block, Table) and CLAUSE_MARKS.search(block.text) and section_number(block.text) is None
        if lead_in is not None and not announces_prose:
            store(lead_in)  # it announced a table or a heading, not a paragraph: kept as it was
            lead_in = None
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
        if not CLAUSE_MARKS.search(block.text):
            heading = block.text.strip()  # a sub-heading gives the next passage its context
            implied = _implied_section(heading, section)
            if implied is not None and implied not in structure.sections:
                section = implied
                structure.sections[implied] = _section_title(implied)  # the format's words: none were printed
            continue
        if section in _TABLE_SECTIONS and "。" not in block.text:
            continue  # a table's label or header cell that a reader left as text, not prose
        text = _WHITESPACE.sub(" ", block.text).strip()
        if lead_in is not None:
            text, heading = f"{lead_in.text}{text}", lead_in.heading
            lead_in = None
        if len(text) <= _LEAD_IN_MAX and _LEAD_IN.search(text):
            lead_in = Passage(section or 0, text, heading)
            continue
        store(Passage(section or 0, text, heading))
    store(lead_in)
    return structure


_TABLE_SECTIONS = frozenset(t.section for t in national_format().tables)


def _section_title(number: int) -> str:
    return next(s.title for s in national_format().sections if s.number == number)


def _implied_section(heading: str, current: int | None) -> int | None:
    """The section a sub-heading opens when the report left out that section's own heading.

    After the tables (section 四) the prose sections sometimes lose their numbered heading, and
    a sub-heading such as （一）2024年工作中存在问题的改进情况 is all that marks section 五.
    Before the tables, sub-headings of 总体情况 name the later sections' subjects, so they never count.
    """
    if current is None or current < 4:
        return None
    following = next((s for s in national_format().sections if s.number == current + 1), None)
    if following is not None and any(k in fold(heading) for k in following.keywords):
        return following.number
    return None


def split_passage(text: str) -> list[str]:
    """A paragraph as quotable passages: whole sentences, at most about _PASSAGE_MAX chars each."""
    if len(text) <= _PASSAGE_MAX:
        return [text]
    passages: list[str] = []
    current = ""
    for sentence in _SENTENCE.findall(text):
        if current and len(current) + len(sentence) > _PASSAGE_MAX and not _LEAD_IN.search(current):
            passages.append(current)
            current = ""
        current += sentence
    if current:
        passages.append(current)
    return passages


def _find_date(document: Document) -> str | None:
    candidates = [document.hints.get("published", "")] + document.paragraphs()[:TITLE_WINDOW] + document.paragraphs()[-12:]
    for text in candidates:
        match = _DATE.search(text or "")
        if match:
            year, month, day = (int(g) for g in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None
