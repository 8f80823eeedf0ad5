"""A report's title, body and year, in whatever order and spacing a site printed them.

Titles come as 某某人民政府2020年政府信息公开工作年度报告, 2019年某某政府信息公开工作年度报告 (year
first, the commonest order on government sites), 某某关于2022年度政府信息公开工作的年度报告, broken
over two lines, with spaces inside, or behind page furniture (标题：, a markdown #). Every pattern
here is anchored on a literal word, so reading a line costs time in proportion to its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.nationalformat import fold
from ingest.places import Place, body_place, gazetteer

# What names the document a disclosure report; the year may also stand inside it
# (政府信息公开工作2020年度报告).
_REPORT_NAME = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:情况)?的?"
    r"(?:(?P<inner_year>(?:19|20)\d{2})年度?)?(?:年度)?(?:报告|年报)"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年度?")
# Page furniture in front of a title: a markdown heading, a label, brackets, bullets.
_FURNITURE = re.compile(r"^(?:[#>*•·\-【\[]+|(?:文章)?标题[:：]|题目[:：]|名称[:：])+")
_BRACKETS = re.compile(r"[【】\[\]]")
# Around a body's name nothing but Chinese belongs (a stray bracket, a number, a colon).
_NOT_CJK_EDGES = re.compile(r"^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff）)]+$")
_NAME = re.compile(r"[\u4e00-\u9fff（）()·]+")
_CLAUSE = re.compile(r"[，。；！？,;!?《》“”]")
# Before a title's name, words in Latin letters or a clause's mark say the line is prose or a
# note that quotes a title (a manifest's `2020年…年度报告`), whatever Chinese is left around it.
_PROSE_BEFORE = re.compile(r"[A-Za-z，。；！？,;!?]")
# Titles are short; a longer line is prose that quotes one (and not worth matching).
_MAX_TITLE_LINE = 120
_MAX_BODY = 40
# Look for the title among the first lines only: later ones quote other reports.
TITLE_WINDOW = 30
# A report names its body a few dozen times; more mentions than this say nothing new.
_MENTIONS_READ = 200


@dataclass(frozen=True)
class Title:
    text: str  # the title as printed, without spaces or furniture
    body: str  # the issuing body as the title names it
    year: int


def find_title(paragraphs: list[str], hint: str = "") -> Title | None:
    """The report's title among its first lines (joined where a title broke), else from the page's own title.

    Whole lines are tried first: a site's name on the line above a title is not part of it.
    """
    window = [fold(p) for p in paragraphs[:TITLE_WINDOW]]
    for joined in (False, True):
        for index, line in enumerate(window):
            if joined:
                following = window[index + 1] if index + 1 < len(window) else ""
                if not following or len(line) > 60 or _CLAUSE.search(line) or "公开" not in line:
                    continue
                line += following  # 2024年某某政府信息公开工作 / 年度报告
            title = _read_title(line)
            if title is None:
                continue
            if not title.body:
                previous = _strip_furniture(window[index - 1]) if index > 0 else ""
                if not _usable_body(previous):
                    continue
                title = Title(previous + title.text, previous, title.year)  # 淮安市人民政府 / 2024年…
            return title
    title = _read_title(fold(hint))
    return title if title is not None and title.body else None


def _read_title(line: str) -> Title | None:
    if len(line) > _MAX_TITLE_LINE:
        return None
    name = _REPORT_NAME.search(line)
    if name is None:
        return None
    before = line[: name.start()]
    if _PROSE_BEFORE.search(before):
        return None
    years = list(_YEAR.finditer(before))
    if name.group("inner_year"):
        year = int(name.group("inner_year"))
        body = before
    elif years:
        last = years[-1]
        year = int(last.group(1))
        # The body stands before the year (某某2020年…) or after it (2020年某某…).
        body = before[: last.start()] + before[last.end() :]
    else:
        return None
    body = _strip_furniture(body)
    body = body.removeprefix("关于").removesuffix("的").removesuffix("关于")
    if body and not _usable_body(body):
        return None
    return Title(_BRACKETS.sub("", _FURNITURE.sub("", line[: name.end()])), body, year)


def _strip_furniture(text: str) -> str:
    """A body's name without labels, markup or stray characters around it."""
    previous = None
    while previous != text:
        previous, text = text, _NOT_CJK_EDGES.sub("", _FURNITURE.sub("", text))
    return text


def _usable_body(body: str) -> bool:
    """A name: Chinese only (brackets allowed), short, and not itself about disclosure (首页>信息公开>年报)."""
    return 2 <= len(body) <= _MAX_BODY and _NAME.fullmatch(body) is not None and "公开" not in body


def full_body_name(body: str, paragraphs: list[str]) -> str:
    """The body with its city or province in front where the report prints it so
    (洪泽区人民政府 → 淮安市洪泽区人民政府), so that one body keeps one name across years.

    Only a division that contains the body's own place counts, and only printed right before
    the body's whole name: a passing mention of another district (西宁市城中区) never renames it.
    """
    own = body_place(body)
    if not own:
        return body
    counts: dict[str, int] = {}
    mentions = 0
    for paragraph in paragraphs:
        text = fold(paragraph)
        start = text.find(body)
        while start > 0 and mentions < _MENTIONS_READ:
            mentions += 1
            prefix = _place_before(text[max(0, start - 12) : start], own)
            if prefix:
                counts[prefix] = counts.get(prefix, 0) + 1
            start = text.find(body, start + 1)
    if not counts:
        return body
    return max(counts, key=lambda p: (counts[p], len(p))) + body


def _place_before(text: str, own: tuple[Place, ...]) -> str | None:
    """The longest chain of divisions ending `text` that contains the body's place, if any."""
    places = gazetteer()
    for length in range(min(len(text), 12), 1, -1):
        chain = places.leading(text[-length:])
        if not chain or "".join(name for name, _ in chain) != text[-length:]:
            continue
        outermost = chain[-1][1]
        if any(p.contains(o) and p.code != o.code for p in outermost for o in own):
            return text[-length:]
    return None
