"""What a question asks: which body, which year, which table cell, and whether a figure at all.

The table cells are known from the national format (its own labels) plus the everyday
words in config/aliases.toml; the bodies from the reports held; places from the gazetteer
of divisions. A figure is wanted only when every word of the question is accounted for:
a row not understood is never replaced by another row.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Callable, Iterator, Mapping

from config import config_file
from index.tokenize import cut
from ingest.nationalformat import fold, national_format, normalize_label
from ingest.places import LAST_CHARACTERS, Place, body_place, gazetteer
from ingest.places import short_name as place_short_name

# A year is 2020年 (or 2020年度); a bare 2020 counts only where it is not a count (超过2000件).
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)(\s*年度?)?")
_COUNT_AFTER = re.compile(r"\s*(?:件|项|个|次|元|万|条|人|家|余|多|起|宗|份)")
_COUNT_BEFORE = ("超过", "达到", "不到", "多于", "少于", "高于", "低于", "有", "共", "近", "约")
_CHINESE_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CHINESE_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_DEPARTMENT = re.compile(r"[^的去在了是有被和对向从到把给为\W\d]{1,6}?(?:局|委员会|管委会|办公室|办公厅|厅|委|署|中心|街道)|政?府办(?![理了结件过得事])")
# The longest first: 大前年 is not 前年.
_RELATIVE_YEARS = {"大前年": -3, "前年": -2, "去年": -1, "上一年": -1, "上年度": -1, "今年": 0, "本年度": 0}
# 23年, 24年度: a year in two digits, but not a span of years (近10年, 10年来, 三年内) nor 10年前.
_SHORT_YEAR = re.compile(r"(?<![\d近这过去最前后连续每满第])(\d{2})\s*年(?![来前内间后多半以里底])度?")
# 二三年, 二四年度: the same in Chinese digits; only a year reports can have (no 三四年 as 2034).
_SHORT_CHINESE_YEAR = re.compile(
    r"(?<![〇零一二三四五六七八九十近这过去最前后连续每满第])([〇零一二三四五六七八九]{2})\s*年(?![来前内间后多半以里底])度?"
)
_ANY_YEAR = re.compile(r"(?<![\d近这过去最前后连续每满第])(\d+)\s*年(?![来前内间后多半以里底])度?")
# Between two years, a range of them: 2022年到2024年, 2022-2024年, 2022至2024, 23到24年.
_YEAR_RANGE = re.compile(r"\s*(?:到|至|-|—|–|～|~)\s*")
_RANGE_START = re.compile(r"(?<![\d.])(\d{2})(?=\s*(?:到|至|-|—|–|～|~)\s*\d{2}\s*年)")
# 两年前, 3年前: counted back from this year.
_YEARS_AGO = re.compile(r"(?<![\d近这过去最])([一两二三四五六七八九十]|\d{1,2})\s*年前")
_OWN_OFFICE = re.compile(r"(?:(?:人民)?政府|府)?办(?:公室|公厅)?")
_NEGATION = re.compile(r"(?:不属于|不是|并非|非|不)$")  # right before a row's words
# Words that put two bodies side by side (淮安和洪泽区谁多): both are asked about.
_JOINING = ("和", "与", "跟", "同", "及", "、", "比", "谁", "哪个", "分别", "各", "排名", "对比", "相比")
# After a government's name, its office (办, 办公室): another body; 办理 and 办了 are verbs.
_GOVERNMENT_OFFICE = re.compile(r"办(?:公室|公厅)?(?![理了结件过得事])")
_COUNT_WORDS = re.compile(r"(?:多少|几)(?:件|项|个|次|起|条|宗)|数量|次数|个数")
_AMOUNT_WORDS = re.compile(r"钱|金额|元|收费")  # 收费多少: how much was charged
# 第二十条第（六）项: the article of the regulations a block of Table 2 is labelled with.
_ARTICLE = re.compile(r"第二十条|第[(（]?([一二三四五六七八九十]{1,2})[)）]?项")
# 近三年, 过去5年, 三年来: a span of years, asked as a series over the years held.
_YEAR_SPAN = re.compile(
    r"(?:近|最近|过去|这)(?:[一两二三四五六七八九十]|\d{1,2})\s*年|(?:[一两二三四五六七八九十]|\d{1,2})\s*年(?:来|以来|间)"
)
_SMALL_NUMBERS = {c: n for n, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
# 比去年, 比上一年: a comparison with the year before the report's, not a year of its own.
_COMPARED = re.compile(r"(?:比|较|同比|相比|对比)(?:前年|去年|上一年|上年度|上年)|同比")  # 同比 alone: the year before
# A place not in the gazetteer (a new district, a town, a street) ends like one ...
_PLACE_ENDINGS = tuple(LAST_CHARACTERS)
# ... but these stems make words that name no place: 我们县, 哪个区, 开发区, 本市, 社区.
_NOT_PLACE_STEMS = frozenset(
    "我们 你们 他们 咱们 哪个 哪些 这个 那个 每个 各个 一个 某个 某某 本 该 全 各 我 这 那 其 某 "
    "开发 高新 新 老 城 市 郊 辖 社 小 景 园 行政 自治 特 地 街 上级 下级 周边 附近 所在 当地 "
    "外地 本地 其他 超 都 城乡 乡 山 矿 林 保税 产业 工业 农业 经济 示范 试验 实验 合作".split()
)
_PLACE_BEFORE_GOVERNMENT = re.compile(r"([\u4e00-\u9fff]{2,3}?(?:省|市|县|区))(?:人民)?政府")
_PUNCTUATION = re.compile(r"^[\W_]+$")


@dataclass(frozen=True)
class Target:
    """A row or column that words can name: 'table.key'."""

    table: int
    key: str


@dataclass(frozen=True)
class CellQuery:
    table: int
    rows: tuple[str, ...]  # one row, or several whose figures are added up
    columns: tuple[str, ...]  # the columns the words may mean, best first; () for the table's default
    words: str  # the words in the question that named the row
    column_words: str | None = None  # the words that named the column, if any
    measure: str | None = None  # "count" (几项, 多少件) or "amount" (多少钱, 万元): never the other


@dataclass
class Understanding:
    question: str
    bodies: list[int] = field(default_factory=list)
    # Each body the question names, in order (A和B谁多: two groups).
    body_groups: list[tuple[int, ...]] = field(default_factory=list)
    # Places named that no body named accounts for (柳州市 when only 柳州市城中区 is held).
    unknown_places: list[str] = field(default_factory=list)
    # Words that stand for a place without naming it (我们县, 哪个区), where no body is named.
    vague_places: list[str] = field(default_factory=list)
    # A department named right after a body held (淮安市 公安局): another body, not held.
    other_body: str | None = None
    # ... which is that government's own office (淮安市政府办公室): its figures are not the
    # government's, but the government's report, which the office writes, says where it is.
    government_office: bool = False
    year: int | None = None
    years: list[int] = field(default_factory=list)  # every year named, in order
    compared_with_previous: bool = False  # 比去年, 比上一年
    compared_years_back: int = 1  # 2 for 比前年: the year before the year before
    series: bool = False  # the figure over every year held (历年)
    change: bool = False  # how the figure changed between two years (多了多少, 增长了百分之几)
    ranking: bool = False  # the figure across bodies (排名, 谁多, A和B各多少)
    subordinate: bool = False  # the bodies under the place named (淮安市各区县)
    cell: CellQuery | None = None
    wants_figure: bool = False
    # Words left over that the cell does not account for: a figure would answer another question.
    unexplained: list[str] = field(default_factory=list)
    rest: str = ""  # the question without the body and year: what to search for
    section: int | None = None  # the section a passage question points to (明年怎么改进 → 5)
    section_words: str = ""  # the words that pointed to it
    # For each question word that reports say otherwise, a group: the word, then the words reports
    # use for it (哪里: 地址, 地点, 位于).
    also_search: list[list[str]] = field(default_factory=list)


class Phrases:
    """Phrases to find in a text, the longest first (then the leftmost).

    The text's substrings are looked up, not the phrases searched for, so the cost is the
    question's length, whatever the number of phrases (thousands of body names).
    """

    def __init__(self, mapping: dict[str, tuple]):
        self.mapping = {phrase: targets for phrase, targets in mapping.items() if phrase}
        self.lengths = sorted({len(phrase) for phrase in self.mapping}, reverse=True)  # only these are looked up

    def find(
        self, text: str, edges: set[int] | None = None, accept: Callable[[int, int], bool] | None = None
    ) -> tuple[str, tuple, int] | None:
        """The longest phrase in the text and where it starts; with `edges`, only one that starts
        and ends on them; with `accept`, only one whose span (start, end) it accepts."""
        for length in (n for n in self.lengths if n <= len(text)):
            for start in range(len(text) - length + 1):
                if edges is not None and (start not in edges or start + length not in edges):
                    continue
                targets = self.mapping.get(text[start : start + length])
                if targets and (accept is None or accept(start, start + length)):
                    return text[start : start + length], targets, start
        return None


@dataclass(frozen=True)
class BodyNames:
    """The bodies held, by every name people use for them, and where each body is."""

    phrases: Phrases  # alias → body ids (an alias two bodies share names both)
    places: Mapping[int, tuple[Place, ...]]  # body id → its place, from its name

    @classmethod
    def build(cls, aliases: dict[int, set[str]], names: dict[int, str] | None = None) -> "BodyNames":
        by_alias: dict[str, list[int]] = {}
        for body_id, body_aliases_ in aliases.items():
            for name in body_aliases_:
                by_alias.setdefault(name, []).append(body_id)
        return cls(Phrases({a: tuple(sorted(ids)) for a, ids in by_alias.items()}), _BodyPlaces(names or {}))


class _BodyPlaces(Mapping[int, tuple[Place, ...]]):
    """Each body's place, read from its name when first asked: a question names a few bodies of
    the thousands loaded, and reading them all would slow every start."""

    def __init__(self, names: dict[int, str]):
        self._names = names
        self._read: dict[int, tuple[Place, ...]] = {}

    def __getitem__(self, body_id: int) -> tuple[Place, ...]:
        if body_id not in self._read:
            self._read[body_id] = body_place(self._names[body_id])
        return self._read[body_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@dataclass(frozen=True)
class Vocabulary:
    rows: Phrases
    cells: Phrases
    weak_rows: Phrases
    columns: dict[int, Phrases]  # by table
    groups: dict[Target, tuple[Target, ...]]
    context_rows: dict[int, tuple[str, ...]]  # rows that yield to another row named (收到的申请…被公开)
    default_columns: dict[int, tuple[str, ...]]
    body_aliases: dict[str, tuple[str, ...]]
    departments: dict[str, tuple[str, ...]]  # full name → short names, and short → full
    quantity: tuple[str, ...]
    prose: tuple[str, ...]
    series: tuple[str, ...]
    change: tuple[str, ...]
    ranking: tuple[str, ...]
    subordinate: tuple[str, ...]
    filler: frozenset[str]
    row_words: dict[Target, frozenset[str]]  # every phrase that names a row or column
    section_words: Phrases  # words → the section a passage question points to
    synonyms: dict[str, tuple[str, ...]]  # a question's word → the words reports use for it


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
                for label in (row.label, *row.also):
                    for phrase in _label_phrases(label):
                        rows.setdefault(phrase, set()).add(Target(table.number, row.key))
            for column in block.columns:
                for phrase in _label_phrases(column.label):
                    columns.setdefault(phrase, set()).add(Target(table.number, column.key))
                # 法人或其他组织 names its columns together: their figures are added up.
                for phrase in (column.group, *aliases["column_groups"].get(column.group, ())) if column.group else ():
                    columns.setdefault(fold(phrase), set()).add(Target(table.number, column.key))
    for name, phrases in aliases["rows"].items():
        for phrase in phrases:
            rows.setdefault(fold(phrase), set()).add(_target(name))
    for name, phrases in aliases["columns"].items():
        for phrase in phrases:
            columns.setdefault(fold(phrase), set()).add(_target(name))
    cells = {fold(p): (_target(name.rsplit(".", 1)[0]), name.rsplit(".", 1)[1]) for name, ps in aliases["cells"].items() for p in ps}
    departments: dict[str, set[str]] = {}
    for full, shorts in aliases["departments"].items():
        for short in shorts:
            departments.setdefault(full, set()).add(short)
            departments.setdefault(short, set()).add(full)
    words = aliases["words"]
    row_words: dict[Target, set[str]] = {}
    for phrase, targets in (*rows.items(), *columns.items()):
        for target in targets:
            row_words.setdefault(target, set()).add(phrase)
    return Vocabulary(
        rows=Phrases({p: tuple(sorted(t, key=lambda x: (x.table, x.key))) for p, t in rows.items()}),
        cells=Phrases({p: target for p, target in cells.items()}),
        weak_rows=Phrases(
            {fold(p): (_target(name),) for name, phrases in aliases["weak_rows"].items() for p in phrases}
        ),
        columns={
            table.number: Phrases(
                {p: tuple(sorted((t for t in ts if t.table == table.number), key=lambda t: t.key)) for p, ts in columns.items()}
            )
            for table in fmt.tables
        },
        groups={_target(k): tuple(_target(v) for v in vs) for k, vs in aliases["groups"].items()},
        context_rows={int(t): tuple(keys) for t, keys in aliases["context_rows"].items()},
        default_columns={int(t): tuple(keys) for t, keys in aliases["default_columns"].items()},
        body_aliases={name: tuple(fold(a) for a in names) for name, names in aliases["bodies"].items()},
        departments={k: tuple(sorted(v)) for k, v in departments.items()},
        quantity=tuple(words["quantity"]),
        prose=tuple(words["prose"]),
        series=tuple(words["series"]),
        change=tuple(words["change"]),
        ranking=tuple(words["ranking"]),
        subordinate=tuple(words["subordinate"]),
        filler=frozenset(words["filler"]) | frozenset(words["quantity"]),
        row_words={t: frozenset(ws) for t, ws in row_words.items()},
        section_words=Phrases({fold(w): (int(n),) for n, ws in aliases["sections"].items() for w in ws}),
        synonyms={fold(w): tuple(ws) for w, ws in aliases["synonyms"].items()},
    )


@cache
def _generic_words() -> frozenset[str]:
    return national_format().generic_words()


def _label_phrases(label: str) -> set[str]:
    """A format label and its short forms: 部分公开（区分处理的…） → 部分公开; 属于国家秘密 → 国家秘密."""
    generic = _generic_words()
    words = normalize_label(label)
    if words in generic:
        return {fold(label)}  # only with its number: （七）总计, 3.其他
    if len(words) < 2:
        return set()
    phrases = {words, re.split(r"[(（]", fold(label).split(".", 1)[-1])[0]}
    phrases |= {p.removeprefix("属于") for p in phrases}
    return {p for p in phrases if len(p) >= 2 and p not in generic}


# ---------------------------------------------------------------- bodies


def body_aliases(name: str, short: str) -> set[str]:
    """Names people use for a body, derived from its name.

    淮安市洪泽区人民政府: 洪泽区, 洪泽区政府, 洪泽, 淮安市洪泽区 …; 上海市人民政府办公厅:
    上海市政府办公厅, 上海市政府办 …; 沭阳县发展和改革局: 沭阳县发改局, 沭阳发改局.
    """
    vocab = vocabulary()
    names = {name, short, name.replace("人民政府", "政府")}
    if name.endswith("人民政府"):
        names |= {name.removesuffix("人民政府"), short + "政府", short + "人民政府"}
        stem = place_short_name(short)
        if stem:
            names |= {stem, stem + "政府"}
    # A department: the same place in front of each name people use for it.
    department = _department_ending(name, vocab.departments)
    if department is not None:
        place = name[: -len(department)]
        places = {place}
        chain = gazetteer().leading(place)
        if chain and "".join(word for word, _ in chain) == place:
            last = chain[-1][0]
            places |= {last, place_short_name(last) or last}
        names |= {p + other for p in places for other in (department, *vocab.departments[department])}
    names |= set(vocab.body_aliases.get(name, ()))
    return {fold(n) for n in names if len(n) >= 2}


def _department_ending(name: str, departments: dict[str, tuple[str, ...]]) -> str | None:
    """The longest department name the body's name ends with, after a place (沭阳县|发展和改革局).
    Looked up by the name's own endings: thousands of bodies are named at every load."""
    for length in range(len(name) - 1, 1, -1):
        if name[-length:] in departments:
            return name[-length:]
    return None


def find_years(text: str, today: date | None = None) -> list[int]:
    """The years a question names, in order: 2020年, 二〇二〇年, 23年, a bare 2020 that is no
    count; or else the first relative one (去年, 大前年, 两年前)."""
    named = _named_years(text, today)
    if named:
        years = []
        for (_, before_end, before), (start, _, year) in zip([(0, 0, 0), *named], named):
            if before and _YEAR_RANGE.fullmatch(text[before_end:start]) and 0 < year - before <= 50:
                years.extend(range(before + 1, year))  # 2022年到2024年: 2023 too
            years.append(year)
        return years
    relative = _relative_years(_COMPARED.sub(lambda m: " " * len(m.group(0)), text), today)
    return [year for _, _, year in relative]


def _named_years(text: str, today: date | None = None) -> list[tuple[int, int, int]]:
    """(start, end, year) of each year a question writes out, in order of place."""
    found = []
    for match in _YEAR.finditer(text):
        if not match.group(2):
            if _COUNT_AFTER.match(text, match.end()) or text[: match.start()].endswith(_COUNT_BEFORE):
                continue  # 超过2000件: a number, not a year
        found.append((match.start(), match.end(), int(match.group(1))))
    for match in _CHINESE_YEAR.finditer(text):
        found.append((match.start(), match.end(), int("".join(_CHINESE_DIGITS[c] for c in match.group(1)))))
    next_year = (today or date.today()).year + 1
    for match in _SHORT_YEAR.finditer(text):
        year = 2000 + int(match.group(1))
        found.append((match.start(), match.end(), year if year <= next_year else year - 100))  # 90年: 1990
    for match in _SHORT_CHINESE_YEAR.finditer(text):
        if (year := 2000 + int("".join(_CHINESE_DIGITS[c] for c in match.group(1)))) <= next_year:
            found.append((match.start(), match.end(), year))
    for match in _RANGE_START.finditer(text):  # 23到24年: 23 is a year too
        found.append((match.start(), match.end(), 2000 + int(match.group(1))))
    # Any other number before 年 (3000年, 20244年, 0年) is a year no report has, never none said.
    for match in _ANY_YEAR.finditer(text):
        if not any(start < match.end() and match.start() < end for start, end, _ in found):
            found.append((match.start(), match.end(), int(match.group(1))))
    return sorted(found)


def _relative_years(text: str, today: date | None = None) -> list[tuple[int, int, int]]:
    """(start, end, year) of each year a question counts from this one (去年, 两年前)."""
    this_year = (today or date.today()).year
    found = []
    for word, offset in _RELATIVE_YEARS.items():
        for match in re.finditer(re.escape(word), text):
            if text.startswith("项目", match.end()):
                continue  # 上一年项目数量: a column of the 2019 format, not a year
            if not any(start <= match.start() < end for start, end, _ in found):  # 前年 in 大前年
                found.append((match.start(), match.end(), this_year + offset))
    for match in _YEARS_AGO.finditer(text):
        count = match.group(1)
        found.append((match.start(), match.end(), this_year - (int(count) if count.isdigit() else _SMALL_NUMBERS[count])))
    return sorted(found)


def _blank_years(text: str, today: date | None = None) -> str:
    """The text with the years it writes out (2020年, 23年) and counts back (两年前) blanked.
    去年, 上一年 stay: 上一年 is also in a column's label (上一年项目数量)."""
    for start, end, _ in _named_years(text, today):
        text = _blank(text, start, end)
    for match in _YEARS_AGO.finditer(text):
        text = _blank(text, match.start(), match.end())
    return text


def find_year(text: str, today: date | None = None) -> int | None:
    """The first year a question names, or None."""
    years = find_years(text, today)
    return years[0] if years else None


def _blank(text: str, start: int, end: int) -> str:
    """The text with a span replaced by spaces, so that offsets stay and phrases cannot span it."""
    return text[:start] + " " * (end - start) + text[end:]


def _places_named(
    text: str, words: list[str], groups: list[tuple[int, ...]], bodies: BodyNames
) -> tuple[list[str], list[tuple[int, int]]]:
    """Places the question names that no body it names accounts for, and the spans of those that fit.

    A place fits a body when it is the body's place or contains it: 江苏省 and 淮安市 fit
    洪泽区; 西宁市 does not fit 柳州市城中区, nor does 柳州市 a question naming no body held.
    """
    edges = _edges(words)
    body_places = [p for group in groups for body in group for p in bodies.places.get(body, ())]
    unknown: list[str] = []
    fitting: list[tuple[int, int]] = []
    for start, end, places in gazetteer().mentions(text, edges):
        if groups and (not body_places or any(p.contains(b) for p in places for b in body_places)):
            fitting.append((start, end))
            continue
        unknown.append(text[start:end])
    if not groups:
        unknown += [p for p in _places_by_their_ending(text, words) if p not in unknown]
    return unknown, fitting


def _vague_places(words: list[str]) -> list[str]:
    """Words that stand for a place without naming one: 我们县, 哪个区, 开发区, 本市."""
    found = []
    for word, after in zip(words, words[1:] + [""]):
        if len(word) >= 2 and word[-1] in _PLACE_ENDINGS and word[:-1] in _NOT_PLACE_STEMS:
            found.append(word)
        elif after and len(after) == 1 and after in _PLACE_ENDINGS and word in _NOT_PLACE_STEMS:
            found.append(word + after)
    return found


def _places_by_their_ending(text: str, words: list[str]) -> list[str]:
    """Places the gazetteer does not know (a new district, a town): a word ending like a place."""
    found = []
    for word, after in zip(words, words[1:] + [""]):
        if gazetteer().places(word):
            continue
        if len(word) >= 3 and word.endswith(_PLACE_ENDINGS):
            found.append(word)
        elif (
            2 <= len(word) <= 4  # 梧桐 县, 沙家浜 镇, 黄金海岸 区
            and after in _PLACE_ENDINGS
            and not _PUNCTUATION.match(word)
            and word not in _NOT_PLACE_STEMS
            and not gazetteer().places(word + after)
        ):
            found.append(word + after)
    found += [p for p in _PLACE_BEFORE_GOVERNMENT.findall(text) if not gazetteer().places(p)]
    return [p for p in dict.fromkeys(found) if p[:-1] not in _NOT_PLACE_STEMS]  # 我们县, 本市: no place


def _edges(words: list[str]) -> set[int]:
    edges, position = {0}, 0
    for word in words:
        position += len(word)
        edges.add(position)
    return edges


# ---------------------------------------------------------------- the question


def _section_pointed(section_words: Phrases, text: str) -> tuple[str, tuple, int] | None:
    """The section a question's words point to. The first section (总体情况) is the work as a
    whole: its words (怎么做) yield to any word of a section's own subject (今后打算怎么做 → 五)."""
    overview = (national_format().sections[0].number,)
    specific = section_words.find(text, accept=lambda start, end: section_words.mapping[text[start:end]] != overview)
    return specific or section_words.find(text)


def understand(question: str, bodies: BodyNames, words: list[str] | None = None) -> Understanding:
    """Read a question against the bodies held and the format's vocabulary.

    `words` are the question's words (jieba, on the folded text): a body's name must stand
    on their boundaries (市南 is not in 贵阳市南明区), and a short place name too.
    """
    vocab = vocabulary()
    text = fold(question)
    words = words if words is not None else [text]
    edges = _edges(words)
    result = Understanding(question=question)

    # Bodies: every one named, longest names first, kept in the order the question names them;
    # never a name inside another place's (淮安 in 淮安区 is not 淮安市).
    remaining = text
    named: list[tuple[int, tuple[int, ...]]] = []
    places = gazetteer().mentions(text, edges)

    def own_place(start: int, end: int) -> bool:
        return not _inside_another_place(start, end, places, bodies, text)

    while (match := bodies.phrases.find(remaining, edges, own_place)) is not None:
        phrase, ids, start = match
        named.append((start, ids))
        department = _DEPARTMENT.match(text, start + len(phrase))
        if department is None and phrase.endswith("政府"):
            department = _GOVERNMENT_OFFICE.match(text, start + len(phrase))  # 洪泽区政府办(公室)
        end = start + len(phrase)
        if department and result.other_body is None:
            result.other_body = phrase + department.group(0)
            result.government_office = _OWN_OFFICE.fullmatch(result.other_body.removeprefix(phrase).strip()) is not None and (
                phrase.endswith("政府") or department.group(0).startswith(("政府", "人民政府", "府"))
            )
            end = department.end()
        remaining = _blank(remaining, start, end)
    result.body_groups = _without_places_of_others([ids for _, ids in sorted(named)], bodies, text)
    result.bodies = list(dict.fromkeys(b for group in result.body_groups for b in group))
    result.unknown_places, fitting = _places_named(remaining, words, result.body_groups, bodies)
    for start, end in fitting:
        remaining = _blank(remaining, start, end)
    if not result.body_groups:
        result.vague_places = _vague_places(words)

    compared = _COMPARED.search(remaining)
    result.compared_with_previous = compared is not None
    result.compared_years_back = 2 if compared is not None and compared.group(0).endswith("前年") else 1
    # 比上年 is understood here; left in, 上年 (no year of its own) would be a word no cell explains.
    for match in list(_COMPARED.finditer(remaining)):
        remaining = _blank(remaining, match.start(), match.end())
    result.years = find_years(remaining)
    result.year = result.years[0] if result.years else None
    remaining = _blank_years(remaining)
    result.series = any(word in remaining for word in vocab.series) or _YEAR_SPAN.search(remaining) is not None
    remaining = _YEAR_SPAN.sub(lambda m: " " * len(m.group(0)), remaining)
    result.change = any(word in remaining for word in vocab.change)
    result.ranking = any(word in remaining for word in vocab.ranking)
    result.subordinate = any(word in remaining for word in vocab.subordinate)
    _read_cell(result, remaining, question)
    pointed = _section_pointed(vocab.section_words, remaining)
    if pointed is not None:
        result.section_words, (result.section,), _ = pointed
    result.also_search = [[phrase, *words_] for phrase, words_ in vocab.synonyms.items() if phrase in remaining]
    for word in _RELATIVE_YEARS:
        remaining = remaining.replace(word, " " * len(word))
    result.rest = remaining
    return result


def _read_cell(result: Understanding, text: str, question: str) -> None:
    """The cell the question names, and whether it asks for that figure and nothing else."""
    vocab = vocabulary()
    cell_match = vocab.cells.find(text)
    row_match = vocab.rows.find(text)
    weak = False
    columns: tuple[str, ...] = ()
    column_words: str | None = None
    if cell_match and row_match and (narrower := _narrower_row(cell_match, row_match)) is not None:
        # 直接起诉的官司输了: 官司输了 names 行政诉讼's 结果纠正, 直接起诉 the one of its rows meant.
        cell_phrase, (_, column), cell_start = cell_match
        phrase, target, start = row_match[0], narrower, row_match[2]
        columns, column_words = (column,), cell_phrase
        text = _blank(text, cell_start, cell_start + len(cell_phrase))
    elif cell_match and (row_match is None or len(cell_match[0]) >= len(row_match[0])):
        phrase, (target, column), start = cell_match
        columns, column_words = (column,), phrase
    elif row_match:
        phrase, targets, start = row_match
        target = targets[0]
        if target.key in vocab.context_rows.get(target.table, ()):
            # 收到的申请有多少件被公开: what became of the applications received is asked.
            other = vocab.rows.find(
                text, accept=lambda s, e: (e <= start or s >= start + len(phrase)) and vocab.rows.mapping[text[s:e]][0] != target
            )
            if other is not None:
                phrase, targets, start = other
                target = targets[0]
    elif (row_match := vocab.weak_rows.find(text)) is not None:
        phrase, targets, start = row_match
        target, weak = targets[0], True
    else:
        return
    end = start + len(phrase)
    # 不属于国家秘密的不予公开: the rows but one, which no cell holds; never that one row.
    negated = _NEGATION.search(text[:start]) is not None
    ambiguous = False
    if not columns:
        # 其他处理中的其他: a word that is a row's label and a column's (其他, 总计), after a row
        # whose sub-row it labels, is that sub-row (3.其他), not the column 其他.
        for generic in _generic_words():
            at = text.find(generic, end)
            child = _sub_row_named(target, generic) if at >= 0 else None
            if child is not None:
                target, phrase = child, f"{phrase}…{generic}"
                text = _blank(text, at, at + len(generic))
                break

        # A column's words may overlap the row's (政府集中采购项目数量) but must add to them; words
        # that only count (多少件) yield to a column's own (制发规章多少件 is 制发).
        def beside_row(s: int, e: int) -> bool:
            return s < start or e > end

        # Words for one column first (减了 before 项目, which names two) unless they are part of
        # longer words for several (其他 in 法人或其他组织), then any column's words; never words
        # that with the row's make its label (其他 before 法律行政法规禁止).
        table_columns = vocab.columns[target.table]
        labels = _row_labels(target)

        row_columns = _columns_beside(target)

        def naming(s: int, e: int) -> bool:
            """Words for a column the row has (in either version), apart from the row's own label."""
            joined = text[min(s, start) : max(e, end)]
            has_it = any(t.key in row_columns for t in table_columns.mapping[text[s:e]])
            return beside_row(s, e) and has_it and not only_counts(text[s:e]) and not any(joined in label for label in labels)

        widest = table_columns.find(text, accept=naming)

        def one_column(s: int, e: int) -> bool:
            apart = widest is None or e <= widest[2] or s >= widest[2] + len(widest[0]) or (s, e) == (
                widest[2], widest[2] + len(widest[0])
            )
            return naming(s, e) and len(table_columns.mapping[text[s:e]]) == 1 and apart

        found = table_columns.find(text, accept=one_column) or widest or table_columns.find(text, accept=beside_row)
        if found:
            column_words, targets, column_start = found
            text = _blank(text, column_start, column_start + len(column_words))
            columns = tuple(t.key for t in targets)
            # 不予公开中的其他: the column 其他, or a row under 不予公开? A clerk asks. (总计, the
            # table's own total column, is no question.)
            default = vocab.default_columns.get(target.table, ())
            ambiguous = column_words in _generic_words() and _has_sub_rows(target) and columns[0] not in default
    rows = vocab.groups.get(target, (target,))
    text = _blank(text, start, end)
    text, article_fits = _blank_article(text, target)
    measure = "count" if _COUNT_WORDS.search(question) else "amount" if _AMOUNT_WORDS.search(question) else None
    result.cell = CellQuery(target.table, tuple(r.key for r in rows), columns, phrase, column_words, measure)
    result.unexplained = (
        _unexplained(text, target, rows, columns, years_named=bool(_named_years(question)))
        + ([] if article_fits else ["第…项"])
        + ([column_words] if ambiguous else [])
        + (["不"] if negated else [])
    )
    asks_number = any(word in question for word in vocab.quantity) or result.series or result.change or result.ranking
    asks_prose = any(word in question for word in vocab.prose)
    # A word that only weakly names a row (申请) asks for a figure only with 多少 or the like,
    # and a question with words the cell does not account for asks for something else.
    result.wants_figure = not result.unexplained and (asks_number or (not asks_prose and not weak))


def _narrower_row(cell_match, row_match) -> Target | None:
    """The row a question names apart from a cell's words, when it is one of the rows those
    words add up (直接起诉 within 行政诉讼); None when it names no such row."""
    cell_phrase, (cell_row, _), cell_start = cell_match
    row_phrase, targets, row_start = row_match
    if row_start < cell_start + len(cell_phrase) and cell_start < row_start + len(row_phrase):
        return None  # the same words
    members = vocabulary().groups.get(cell_row, ())
    return next((t for t in targets if t in members), None)


def _without_places_of_others(groups: list[tuple[int, ...]], bodies: BodyNames, text: str) -> list[tuple[int, ...]]:
    """淮安洪泽区: 淮安 says where 洪泽区 is, it is not 淮安市 asked about too. Two bodies, one's
    place holding the other's, with no word that compares or joins them, are the inner one."""
    if len(groups) != 2 or any(word in text for word in _JOINING):
        return groups
    places = [{p for body in group for p in bodies.places.get(body, ())} for group in groups]
    for outer, inner in ((0, 1), (1, 0)):
        if places[outer] and places[inner] and all(
            any(o.contains(i) and o != i for o in places[outer]) for i in places[inner]
        ):
            return [groups[inner]]
    return groups


def _inside_another_place(
    start: int, end: int, places: list[tuple[int, int, tuple[Place, ...]]], bodies: BodyNames, text: str
) -> bool:
    """Whether text[start:end], a body's name, is part of a longer place name that is not that
    body's place (淮安 in 淮安区: 淮安市淮安区, not 淮安市)."""
    ids = bodies.phrases.mapping.get(text[start:end], ())
    own = {p for body in ids for p in bodies.places.get(body, ())}
    return any(
        first <= start and end <= last and last - first > end - start and not own & set(named)
        for first, last, named in places
    )


def only_counts(words: str) -> bool:
    """Words that ask for a number without naming a column of their own (多少件, 多少次)."""
    return words in vocabulary().quantity or words.startswith("多少")


def _blank_article(text: str, row: Target) -> tuple[str, bool]:
    """The text without the article Table 2's blocks are labelled with (第二十条第六项), and
    whether the item it names is the row's own (第六项 and 行政强制, not 第五项)."""
    matches = list(_ARTICLE.finditer(text))
    labels = [fold(b.label) for b in _blocks_holding(row)]
    fits = all(m.group(1) is None or any(f"第({m.group(1)})项" in label for label in labels) for m in matches)
    for match in matches:
        text = _blank(text, match.start(), match.end())
    return text, fits


def _blocks_holding(row: Target) -> list:
    """The format's blocks that hold the row, in either version."""
    return [b for b in national_format().table(row.table).blocks if any(each.key == row.key for each in b.rows)]


def _has_sub_rows(row: Target) -> bool:
    return any(child.parent == row.key for block in _blocks_holding(row) for child in block.rows)


def _columns_beside(row: Target) -> set[str]:
    """The columns of every block that holds the row, in either version of the format."""
    return {column.key for block in _blocks_holding(row) for column in block.columns}


def _row_labels(row: Target) -> list[str]:
    """The row's labels in the format, their words only (其他法律行政法规禁止公开)."""
    return [normalize_label(block.row(row.key).label) for block in _blocks_holding(row)]


def _sub_row_named(row: Target, words: str) -> Target | None:
    """The row under `row` whose label, numbering aside, is `words` (其他处理 → 3.其他), if any."""
    for block in _blocks_holding(row):
        for child in block.rows:
            if child.parent == row.key and normalize_label(child.label) == words:
                return Target(row.table, child.key)
    return None


def _unexplained(
    text: str, target: Target, rows: tuple[Target, ...], columns: tuple[str, ...], years_named: bool = False
) -> list[str]:
    """Words of the question left over that are neither filler nor words of the cell asked about;
    去年 or 上一年 beside a year written out (2020年行政处罚上一年有多少项) is one too."""
    vocab = vocabulary()
    fmt = national_format()
    related: set[str] = set()
    for row in rows:
        for block in fmt.table(row.table).blocks:
            if any(r.key == row.key for r in block.rows):
                path = [row.key]
                while (parent := block.row(path[-1]).parent) is not None:
                    path.append(parent)
                for key in path:
                    related |= vocab.row_words.get(Target(row.table, key), frozenset())
    related |= vocab.row_words.get(target, frozenset())
    for group, members in vocab.groups.items():
        if target in members or any(r in members for r in rows):
            related |= vocab.row_words.get(group, frozenset())
    for column in columns:
        related |= vocab.row_words.get(Target(target.table, column), frozenset())
    left = []
    for word in cut(text):
        word = word.strip()
        if not word or _PUNCTUATION.match(word) or word.isdigit() or word in vocab.filler:
            continue
        comparing = (*vocab.series, *vocab.change, *vocab.ranking, *vocab.subordinate)
        relative = word in _RELATIVE_YEARS and not years_named
        if any(word in phrase for phrase in related) or word in vocab.prose or relative or any(
            word in phrase for phrase in comparing
        ):
            continue
        left.append(word)
    return left
