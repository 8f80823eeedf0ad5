"""What a question asks: which body, which year, which table cell, and whether a figure at all.

The table cells are known from the national format (its own labels) plus the everyday
words in config/aliases.toml; the bodies from the reports held.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from config import config_file
from ingest.nationalformat import fold, national_format, normalize_label

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*年?")
_CHINESE_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CHINESE_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_DEPARTMENT = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:局|委员会|管委会|办公室|办公厅|厅|委|署|中心|院)")
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "上一年": -1, "上年度": -1, "今年": 0, "本年度": 0}
# Labels too generic to name a row on their own (they are column headers too).
_GENERIC_LABELS = {"其他", "总计"}


@dataclass(frozen=True)
class Target:
    """A row or column that words can name: 'table.key'."""

    table: int
    key: str


@dataclass(frozen=True)
class CellQuery:
    table: int
    rows: tuple[str, ...]  # one row, or several whose figures are added up
    column: str | None  # None: the table's default column
    words: str  # the words in the question that named the row


@dataclass
class Understanding:
    question: str
    bodies: list[int] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    maybe_unknown_places: list[str] = field(default_factory=list)  # 淮安, or 深度: tagged as places
    # A department named right after a body held (淮安市 公安局): another body, not held.
    other_body: str | None = None
    year: int | None = None
    series: bool = False
    cell: CellQuery | None = None
    wants_figure: bool = False
    rest: str = ""  # the question without the body, year and cell words: what to search for


class Phrases:
    """Phrases to find in a text, the longest first (then the leftmost).

    The text's substrings are looked up, not the phrases searched for, so the cost is the
    question's length, whatever the number of phrases (thousands of body names).
    """

    def __init__(self, mapping: dict[str, tuple]):
        self.mapping = {phrase: targets for phrase, targets in mapping.items() if phrase}
        self.longest = max(map(len, self.mapping), default=0)

    def find(self, text: str, edges: set[int] | None = None) -> tuple[str, tuple] | None:
        """The longest phrase in the text; with `edges`, only one that starts and ends on them."""
        for length in range(min(self.longest, len(text)), 0, -1):
            for start in range(len(text) - length + 1):
                if edges is not None and (start not in edges or start + length not in edges):
                    continue
                targets = self.mapping.get(text[start : start + length])
                if targets:
                    return text[start : start + length], targets
        return None


@dataclass(frozen=True)
class BodyNames:
    """The bodies held, by every name people use for them, and the places those names contain."""

    phrases: Phrases  # alias → body ids (an alias two bodies share names both)
    place_parts: frozenset[str]  # every piece of a held name a place could be: 南京, 鼓楼区…

    @classmethod
    def build(cls, aliases: dict[int, set[str]]) -> "BodyNames":
        by_alias: dict[str, list[int]] = {}
        for body_id, names in aliases.items():
            for name in names:
                by_alias.setdefault(name, []).append(body_id)
        parts = {
            name[start : start + length]
            for name in by_alias
            for length in range(2, 7)
            for start in range(len(name) - length + 1)
        }
        return cls(Phrases({a: tuple(sorted(ids)) for a, ids in by_alias.items()}), frozenset(parts))


@dataclass(frozen=True)
class Vocabulary:
    rows: Phrases
    weak_rows: Phrases
    columns: dict[int, Phrases]  # by table
    groups: dict[Target, tuple[Target, ...]]
    default_columns: dict[int, tuple[str, ...]]
    body_aliases: dict[str, tuple[str, ...]]
    quantity: tuple[str, ...]
    prose: tuple[str, ...]
    series: tuple[str, ...]


def _target(name: str) -> Target:
    table, key = name.split(".", 1)
    return Target(int(table), key)


@cache
def vocabulary() -> Vocabulary:
    """Words for rows and columns: the format's labels first, then config/aliases.toml."""
    aliases = tomllib.loads(config_file("aliases.toml"))
    fmt = national_format()
    rows: dict[str, set[Target]] = {}
    columns: dict[str, set[Target]] = {}
    for table in fmt.tables:
        for block in table.blocks:
            for row in block.rows:
                for phrase in _label_phrases(row.label):
                    rows.setdefault(phrase, set()).add(Target(table.number, row.key))
            for column in block.columns:
                for phrase in _label_phrases(column.label):
                    columns.setdefault(phrase, set()).add(Target(table.number, column.key))
    for name, phrases in aliases["rows"].items():
        for phrase in phrases:
            rows.setdefault(fold(phrase), set()).add(_target(name))
    for name, phrases in aliases["columns"].items():
        for phrase in phrases:
            columns.setdefault(fold(phrase), set()).add(_target(name))
    words = aliases["words"]
    return Vocabulary(
        rows=Phrases({p: tuple(sorted(t, key=lambda x: (x.table, x.key))) for p, t in rows.items()}),
        weak_rows=Phrases(
            {fold(p): (_target(name),) for name, phrases in aliases["weak_rows"].items() for p in phrases}
        ),
        columns={
            table.number: Phrases(
                {p: tuple(t for t in ts if t.table == table.number) for p, ts in columns.items()}
            )
            for table in fmt.tables
        },
        groups={_target(k): tuple(_target(v) for v in vs) for k, vs in aliases["groups"].items()},
        default_columns={int(t): tuple(keys) for t, keys in aliases["default_columns"].items()},
        body_aliases={name: tuple(fold(a) for a in names) for name, names in aliases["bodies"].items()},
        quantity=tuple(words["quantity"]),
        prose=tuple(words["prose"]),
        series=tuple(words["series"]),
    )


def _label_phrases(label: str) -> set[str]:
    """A format label and its short forms: 部分公开（区分处理的…） → 部分公开; 属于国家秘密 → 国家秘密."""
    words = normalize_label(label)
    if words in _GENERIC_LABELS:
        return {fold(label)}  # only with its number: （七）总计, 3.其他
    if len(words) < 2:
        return set()
    phrases = {words, re.split(r"[(（]", fold(label).split(".", 1)[-1])[0]}
    phrases |= {p.removeprefix("属于") for p in phrases}
    return {p for p in phrases if len(p) >= 2 and p not in _GENERIC_LABELS}


def body_aliases(name: str, short: str) -> set[str]:
    """Names people use for a body: full, without 人民政府, short, short without 区/县/市, …政府."""
    names = {name, short, name.removesuffix("人民政府"), short + "政府", short + "人民政府"}
    if len(short) >= 3 and short[-1] in "区县市州旗":
        names.add(short[:-1])
    names |= set(vocabulary().body_aliases.get(name, ()))
    return {fold(n) for n in names if len(n) >= 2}


def find_year(text: str, today: date | None = None) -> int | None:
    """A year the question names: 2020年, 二〇二〇年, 去年…; None if it names none."""
    text = _CHINESE_YEAR.sub(lambda m: "".join(_CHINESE_DIGITS[c] for c in m.group(1)) + "年", text)
    match = _YEAR.search(text)
    if match:
        return int(match.group(1))
    for word, offset in _RELATIVE_YEARS.items():
        if word in text:
            return (today or date.today()).year + offset
    return None


def understand(
    question: str,
    bodies: BodyNames,
    places: tuple[list[str], list[str]] = ([], []),
    edges: set[int] | None = None,
) -> Understanding:
    """Read a question against the bodies held and the format's vocabulary.

    `places` are the place names a tagger found in the question, sure and maybe; any that
    no body held accounts for is reported as unknown, so that no other body's figure is
    given for it.
    `edges` are the word boundaries of the folded question: a body's name must stand there
    as whole words (市南 is not in 贵阳市南明区).
    """
    vocab = vocabulary()
    text = fold(question)
    result = Understanding(question=question)

    body_match = bodies.phrases.find(text, edges)
    if body_match:
        phrase, ids = body_match
        result.bodies = list(ids)
        department = _DEPARTMENT.match(text, text.index(phrase) + len(phrase))
        if department:
            result.other_body = phrase + department.group(0)
        text = text.replace(phrase, " ")
    sure, maybe = places
    result.unknown_places = [p for p in sure if fold(p) not in bodies.place_parts]
    result.maybe_unknown_places = [p for p in maybe if fold(p) not in bodies.place_parts]

    result.year = find_year(text)
    text = _YEAR.sub(" ", text)
    result.series = any(word in text for word in vocab.series)

    row_match = vocab.rows.find(text)
    weak = row_match is None
    row_match = row_match or vocab.weak_rows.find(text)
    if row_match:
        phrase, targets = row_match
        text = text.replace(phrase, " ")
        target = targets[0]
        rows = vocab.groups.get(target, (target,))
        column_match = vocab.columns[target.table].find(text)
        column = None
        if column_match:
            column = column_match[1][0].key
            text = text.replace(column_match[0], " ")
        result.cell = CellQuery(target.table, tuple(r.key for r in rows), column, phrase)
        asks_number = any(word in question for word in vocab.quantity)
        asks_prose = any(word in question for word in vocab.prose)
        # A word that only weakly names a row (申请) asks for a figure only with 多少 or the like.
        result.wants_figure = asks_number or (not asks_prose and not weak)
    result.rest = text
    return result
