"""One Answer for one question, made here and only formatted by the front ends."""

from __future__ import annotations

import gc
import heapq
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.series import asks_series, series_answer
from bot.understand import BodyNames, CellQuery, Understanding, body_aliases, only_counts, understand, vocabulary
from index.passages import PassageIndex, ensure_index, index_dir, load_index
from index.tokenize import add_words, cut, tokenize
from ingest.nationalformat import NONSTANDARD, Column, fold, national_format
from ingest.database import database_path, open_db
from ingest import read
from ingest.values import format_number

MARK_OPEN, MARK_CLOSE = "【", "】"  # matched words in a passage; Telegram turns them bold
_MAX_CANDIDATES = 8
_LOAD_ATTEMPTS = 3
_MEASURE_WORDS = {"count": "件数、项数", "amount": "金额", None: "这样"}  # what a measure asked for is called
_MIN_COVERAGE = 0.3  # of the question's search weight a passage must hold to answer it
_AS_MUCH = 0.9  # of the best passage's share of the question, for the latest report's to go first
_OVERVIEW_TOPICS = 8
_TOPIC_LENGTH = 40
# Asking how a body works: a question this broad is answered with its 总体情况 in brief.
_HOW = ("怎么", "怎样", "如何", "做法", "情况")


@dataclass
class Answer:
    question: str
    kind: str  # "figure", "passage", "clarify" or "none"
    text: str
    value: int | float | None = None
    unit: str | None = None
    report: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0
    # A passage answer: the other good passages, in order, for "next passage".
    more: list[dict[str, Any]] = field(default_factory=list)
    # A series answer: one figure a report ({report, value, unit, raw}), and for two years the change.
    rows: list[dict[str, Any]] = field(default_factory=list)
    change: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReportRef:
    id: str
    body_id: int
    body: str
    short_name: str
    year: int
    format: str
    title: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "body": self.body, "year": self.year, "title": self.title}

    @property
    def label(self) -> str:
        return f"{self.body} {self.year}年"


class Engine:
    """Answers questions from what the data dir holds.

    Everything an answer reads (catalog, index, database) is one Snapshot: a read transaction
    on the database and the index that reflects that very state. Before each answer the engine
    looks (cheaply) whether another process has stored reports since; it then switches to the
    new database and index together, and never to one without the other.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        understand("", BodyNames.build({}))  # jieba, the vocabulary and the gazetteer load now, not on the first question
        self._switch = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self._seen = self._state()
        self._tried_at = 0.0
        self._retired: list[Snapshot] = []
        self.snapshot = Snapshot.load(data_dir, repair=True)
        _settle()

    def reload(self) -> None:
        """Read the catalog and the current index again (after an ingest this process made)."""
        with self._switch:
            self._seen = self._state()
            self._use(Snapshot.load(self.data_dir, repair=True))

    def _use(self, snapshot: "Snapshot") -> None:
        # An answer under way may still read the old snapshot: it is closed a switch later.
        for old in self._retired:
            old.close()
        self._retired = [self.snapshot]
        self.snapshot = snapshot
        _settle()

    def _state(self) -> tuple:
        """What changes when reports are stored: the database's data version and the index's CURRENT."""
        path = database_path(self.data_dir)
        if not path.exists():
            return ()
        if self._watch is None:
            self._watch = read.watch_connection(path)
        current = index_dir(self.data_dir) / "CURRENT"
        try:
            index_state = current.stat().st_mtime_ns, current.read_bytes()
        except FileNotFoundError:
            index_state = None
        return read.data_version(self._watch), index_state

    def _follow(self) -> None:
        """Switch to what another process stored, once its database and index agree again."""
        with self._switch:
            state = self._state()
            if state == self._seen:
                return
            index_moved = not self._seen or state[1:] != self._seen[1:]
            if not index_moved and time.monotonic() - self._tried_at < _RETRY_SECONDS:
                return  # the database moved and its index not yet: an ingest is under way
            self._tried_at = time.monotonic()
            snapshot = Snapshot.load(self.data_dir, repair=False)
            if snapshot is not None:
                self._seen = state
                self._use(snapshot)

    @property
    def reports(self) -> list[ReportRef]:
        return self.snapshot.reports

    def answer(self, question: str, report_id: str | None = None) -> Answer:
        """Answer a question; `report_id` answers it for that report (a clarify choice)."""
        self._follow()
        return self.snapshot.answer(question, report_id)

    def passage_answer(self, question: str, report_id: str, ordinal: int) -> Answer:
        """One given passage as the answer to a question: the "next passage" of a passage answer."""
        self._follow()
        return self.snapshot.passage_answer(question, report_id, ordinal)

    def named_reports(self, text: str) -> tuple[list[ReportRef], int | None]:
        """The reports a command's words point to, and the year they name (None when none):
        every report of the bodies named (oldest first), or the report whose id the text is."""
        self._follow()
        return self.snapshot.named_reports(text)

    def holdings(self) -> str:
        return self.snapshot.holdings()

    def example_questions(self) -> list[str]:
        return self.snapshot.example_questions()


_RETRY_SECONDS = 2.0  # between looks at a database whose index has not caught up yet


def _which_year_note(latest: ReportRef, quoted_id: str, reports: list[ReportRef]) -> str:
    """Said under a passage answer to a question that named no year, of a body held for several."""
    if quoted_id == latest.id:
        others = "、".join(str(r.year) for r in sorted(reports, key=lambda r: r.year) if r is not latest)
        return f"（问题未说年份，以上摘自我持有的最新报告 {latest.year} 年；我还有 {others} 年的报告。）"
    quoted = next(r for r in reports if r.id == quoted_id)
    return f"（问题未说年份；我持有的最新报告 {latest.year} 年里没有找到相关内容，以上摘自 {quoted.year} 年的报告。）"


def _settle() -> None:
    """Move what is loaded out of the garbage collector's way: a full collection over the
    catalog and the tokenizer's dictionaries would stall an answer for tens of milliseconds.
    Unfrozen first, so that a snapshot left behind can be collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Snapshot:
    """The reports held at one moment: catalog, body names, passage index, database."""

    def __init__(
        self,
        conn: sqlite3.Connection | None,
        reports: list[ReportRef],
        body_names: BodyNames,
        index: PassageIndex | None,
    ):
        self.conn = conn
        self.reports = reports
        self.body_names = body_names
        self.index = index
        self.by_id = {r.id: r for r in reports}
        self.by_body: dict[int, list[ReportRef]] = {}
        for report in sorted(reports, key=lambda r: r.year):
            self.by_body.setdefault(report.body_id, []).append(report)
        self._holdings = _holdings(self.by_body)
        self._examples: list[str] | None = None

    @classmethod
    def load(cls, data_dir: Path, repair: bool) -> "Snapshot | None":
        """The database as of now (a read transaction kept open) and the index of that same state.

        When they disagree (a writer was killed between the two, or is between them now): with
        `repair`, the index is brought in step (waiting for a running writer) and loading starts
        again; without, None: the caller keeps what it has.
        """
        path = database_path(data_dir)
        if not path.exists():
            return cls(None, [], BodyNames.build({}), None)
        open_db(data_dir).close()  # creates or migrates the schema
        for _ in range(_LOAD_ATTEMPTS):
            conn = read.snapshot_connection(path)  # every read of this snapshot sees the database as of now
            held = read.index_keys(conn)
            index = load_index(data_dir)
            if (index.report_keys if index is not None else {}) == held or not held:
                return cls._from(conn, index)
            conn.close()
            if not repair:
                return None
            ensure_index(data_dir, wait=True)
        raise RuntimeError(f"the search index in {data_dir} cannot be brought in step with the database")

    @classmethod
    def _from(cls, conn: sqlite3.Connection, index: PassageIndex | None) -> "Snapshot":
        report_rows, bodies, printed = read.catalog(conn)
        aliases: dict[int, set[str]] = {}
        names: dict[int, str] = {}
        for body_id, name, short in bodies:
            aliases[body_id] = body_aliases(name, short)
            names[body_id] = name
        for body_id, name in printed:
            aliases.setdefault(body_id, set()).update(body_aliases(name, name))
        add_words(read.body_words(conn))
        return cls(conn, [ReportRef(*row) for row in report_rows], BodyNames.build(aliases, names), index)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    # ------------------------------------------------------------ answering

    def answer(self, question: str, report_id: str | None = None) -> Answer:
        """Answer a question; `report_id` answers it for that report (a clarify choice)."""
        started = time.perf_counter()
        question = question.strip()
        if not question:
            result = Answer(question, "none", "请提一个问题，例如：" + self.example_questions()[0])  # noqa: E501
        elif not self.reports:
            result = Answer(question, "none", "我还没有任何报告。请管理员先导入报告（reportbot ingest）。")
        else:
            result = self._answer(question, report_id)
        result.latency_ms = round((time.perf_counter() - started) * 1000, 3)
        return result

    def _answer(self, question: str, report_id: str | None) -> Answer:
        understood = understand(question, self.body_names, cut(fold(question)))
        if report_id is not None:
            chosen = self.by_id.get(report_id)
            if chosen is None:
                return self.none(question, "这份报告已不在我的资料中。")
            understood.bodies, understood.year = [chosen.body_id], chosen.year
        if understood.unknown_places and report_id is None:
            return self.none(question, f"我没有关于“{'、'.join(understood.unknown_places)}”的报告。")
        if understood.vague_places and report_id is None:
            return self.none(question, f"“{'、'.join(understood.vague_places)}”是指哪个单位？请说出它的名称。")
        if understood.other_body and report_id is None and (understood.wants_figure or not understood.government_office):
            return self.none(question, f"我没有“{understood.other_body}”的报告。")
        if understood.cell is not None and understood.wants_figure and report_id is None and asks_series(self, understood):
            return series_answer(self, understood)
        reports = self._reports_for(understood)
        if isinstance(reports, Answer):
            return reports
        if understood.cell is not None and understood.wants_figure:
            return self._figure_answer(question, understood, reports)
        return self._passage_answer(question, understood, reports)

    def _reports_for(self, understood: Understanding) -> list[ReportRef] | Answer:
        """The reports the question is about, or the answer that says why there are none."""
        question = understood.question
        if understood.bodies:
            held = [r for body in understood.bodies for r in self.by_body.get(body, [])]
        else:
            held = self.reports
        if understood.year is not None:
            in_year = [r for r in held if r.year == understood.year]
            if not in_year:
                if understood.bodies:
                    years = "、".join(str(r.year) for r in held)
                    return self.none(
                        question, f"我没有{held[0].body}{understood.year}年的报告（我有它{years}年的报告）。"
                    )
                return self.none(question, f"我没有{understood.year}年的报告。")
            held = in_year
        return held

    # ------------------------------------------------------------ figures

    def _figure_answer(self, question: str, understood: Understanding, reports: list[ReportRef]) -> Answer:
        cell = understood.cell
        assert cell is not None
        bodies = {r.body_id for r in reports}
        if len(bodies) > 1:
            return self.clarify(question, reports)
        latest = max(reports, key=lambda r: r.year)
        answer = self.figure_for(question, cell, latest)
        if understood.year is None and len(reports) > 1 and answer.kind == "figure":
            others = "、".join(str(r.year) for r in reports if r is not latest)
            answer.text += f"\n（问题未说年份，以上是我持有的最新报告 {latest.year} 年的数字；我还有 {others} 年的报告。）"
        return answer

    def figure_for(self, question: str, cell: CellQuery, report: ReportRef) -> Answer:
        """One report's figure for a cell, or the none that says why it has none."""
        fmt = national_format()
        if report.format not in ("2019", "2021"):
            return self.none(question, f"{report.label}的报告不是国家统一格式（2019年以前），没有可查的表格数字。")
        table = fmt.table(cell.table)
        blocks = [b for b in table.blocks_in(report.format) if any(r.key in cell.rows for r in b.rows_in(report.format))]
        if not blocks:
            return self.none(
                question,
                f"{report.label}的报告采用{_version_name(report.format)}，其表格中没有“{cell.words}”这一项。",
            )
        block = blocks[0]
        group = self._column_group(cell, block)
        column = Column(group[0].key, group[0].group, group[0].unit) if group else self._column(cell, block)
        if column is None:
            return self.none(
                question,
                f"{report.label}的报告采用{_version_name(report.format)}，"
                f"其表{cell.table}中“{cell.words}”没有“{cell.column_words or _MEASURE_WORDS[cell.measure]}”这一列。",
            )
        found = [self._stored_rows(report, cell.table, block, row) for row in cell.rows]
        leaves = [leaf for rows in found if rows is not None for leaf in rows]
        if not leaves or None in found:
            return self.none(question, f"{report.label}的报告中没有读到表{cell.table}里“{cell.words}”这一格。")
        if group and len(leaves) > 1:
            return self.none(question, f"“{cell.words}”是几行相加，“{cell.column_words}”是几列相加：请只问其中一行或一列。")
        if group:  # one row, its columns added up: each part is named by its column
            cells = [(c.label, *found[0][1:]) for c in group if (found := self._cells(report.id, cell.table, leaves, c.key))]
            wanted = len(group)
        else:
            cells, wanted = self._cells(report.id, cell.table, leaves, column.key), len(leaves)
        if len(cells) < wanted:
            return self.none(question, f"{report.label}的报告中没有读到表{cell.table}里“{cell.words}”这一格。")
        label_row = " / ".join(block.row_path(cell.rows[0])) if len(cell.rows) == 1 else _common_group(block, cell)
        if cell.table == 2:
            label_row = f"{block.label} / {label_row}"
        source = {"table": cell.table, "row": label_row, "column": column.label, "label": f"{label_row}（{column.label}）"}
        citation = f"来源：《{report.title}》表{cell.table}“{table.title}”，{label_row}，{column.label}列。"
        if len(cells) == 1:
            value, unit, raw = cells[0][1:]
            source["raw"] = raw
            if value is None:
                text = f"{report.label}：{label_row}（{column.label}）这一格在报告中是空白的，没有填写数字。\n{citation}"
                return Answer(question, "figure", text, None, unit, report.as_dict(), source)
            text = f"{report.label}：{label_row}（{column.label}）为 {_show(value, unit)}"
            text += f"（原文“{raw}”）。" if raw and raw != format_number(value) and raw != _show(value, unit) else "。"
        else:
            unit = cells[0][2]
            parts = "，".join(f"{name} {_show(v, u)}" for name, v, u, _ in cells)
            source["columns" if group else "rows"] = [name for name, *_ in cells]
            if any(v is None for _, v, _, _ in cells):
                # A blank cell is no 0: the parts are given, their total is not.
                text = f"{report.label}：{label_row}（{column.label}）由以下各项组成：{parts}；其中有空白的格，无法给出合计。\n{citation}"
                return Answer(question, "figure", text, None, unit, report.as_dict(), source)
            value = sum(v for _, v, _, _ in cells)
            text = f"{report.label}：{label_row}（{column.label}）共 {_show(value, unit)}，是以下各项相加：{parts}。"
        if cell.table == 3 and column.key == "total" and len(leaves) == 1:
            text += self._applicant_breakdown(report.id, leaves[0])
        text += self._cautions(report.id, cell.table, block, leaves, column.key)
        return Answer(question, "figure", text + "\n" + citation, value, unit, report.as_dict(), source)

    def _cautions(self, report_id: str, table: int, block, rows: list[str], column: str) -> str:
        """What the report says against this cell: a sum that does not hold, its prose, last year's carry-over."""
        checks = {c.name: set(c.left) | set(c.right) for c in national_format().checks}
        in_rows = {key for row in rows for key in _with_parents(block, row)}
        notes = []
        for kind, found in read.findings_of(self.conn, report_id):  # type: ignore[arg-type]
            if found.get("table") != table:
                continue
            if kind == "sum":
                this_row = found.get("row") in rows and column in checks[found["check"]]
                this_column = found.get("column") == column and checks[found["check"]] & in_rows
                if this_row or this_column:
                    notes.append(
                        f"注意：报告中“{found['check']}”在此处不成立（{format_number(found['left'])} 对 "
                        f"{format_number(found['right'])}），以上数字照原文给出。"
                    )
            elif kind == "prose" and found["row"] in rows and found["column"] == column:
                notes.append(f"注意：报告正文说“{found['sentence']}”，与表中数字不同；以上数字照表格给出。")
            elif kind == "carry-over" and "carried_over" in rows:
                notes.append(f"注意：本年的上年结转数与{found['previous_year']}年报告的结转下年度数不一致。")
        return "\n" + "\n".join(notes) if notes else ""

    @staticmethod
    def _column_group(cell: CellQuery, block) -> list[Column]:
        """The columns a group's name asks for together (法人或其他组织), each in this block; else none."""
        named = [c for c in block.columns if c.key in cell.columns]
        if len(cell.columns) < 2 or len(named) != len(cell.columns) or len({c.group for c in named}) != 1:
            return []
        return named if named[0].group else []

    def _column(self, cell: CellQuery, block):
        """The column asked for, or the table's default; None when the words name a column this block lacks."""
        keys = [c.key for c in block.columns]
        named = next((block.column(key) for key in cell.columns if key in keys), None)
        if named is not None:
            return named
        # 多少件, 几次: words that only count leave the choice to the table's default, of the
        # measure asked: a count is never an amount (集中采购多少件 is 采购项目数量), nor the reverse.
        words = cell.column_words or ""
        if cell.columns and not only_counts(words):
            return None
        defaults = [block.column(key) for key in vocabulary().default_columns.get(cell.table, ()) if key in keys]
        if cell.measure is not None:
            return next((c for c in [*defaults, *block.columns] if ("元" in c.unit) == (cell.measure == "amount")), None)
        return defaults[0] if defaults else block.columns[0]

    def _stored_rows(
        self, report: ReportRef, table: int, block, row: str, stored: set[str] | None = None
    ) -> list[str] | None:
        """The rows holding a row's figures: itself if stored, else its children (a heading); None when
        one of them was not read, since the rows read would not add up to the heading's figure."""
        stored = read.stored_rows(self.conn, report.id, table) if stored is None else stored  # type: ignore[arg-type]
        if row in stored:
            return [row]
        children = block.children(row, report.format)
        found = [self._stored_rows(report, table, block, child.key, stored) for child in children]
        if not children or None in found:
            return None
        return [leaf for rows in found for leaf in rows]  # type: ignore[union-attr]

    def _cells(self, report_id: str, table: int, rows: list[str], column: str) -> list[tuple[str, Any, str, str]]:
        """(label, value, unit, raw) of the rows' cells in a column, in the rows' order."""
        found = read.cells_of(self.conn, report_id, table, rows, column)  # type: ignore[arg-type]
        return [(found[r][0].split(" / ")[-1], *found[r][1:]) for r in rows if r in found]

    def _applicant_breakdown(self, report_id: str, row: str) -> str:
        """其中自然人…: the applicant columns, those Table 3's row sum adds up."""
        fmt = national_format()
        applicants = next(c.right for c in fmt.checks if c.table == 3 and c.per == "row")
        labels = {c.key: c.label for c in fmt.table(3).blocks[0].columns}
        parts = []
        for column, value, unit in read.row_of(self.conn, report_id, 3, row):  # type: ignore[arg-type]
            if column in applicants and value:
                parts.append((applicants.index(column), f"{labels[column]} {_show(value, unit)}"))
        return f"其中{'，'.join(p for _, p in sorted(parts))}。" if parts else ""

    # ------------------------------------------------------------ passages

    def _passage_answer(self, question: str, understood: Understanding, reports: list[ReportRef]) -> Answer:
        """The passage that answers best; a broad question about a body's work gets its section's overview."""
        if self.index is None:
            return self.none(question, "检索索引还没有建立，请管理员重新导入报告。")
        tokens = self._search_tokens(question, understood)
        alternatives = [[t for word in group for t in tokenize(word)] for group in understood.also_search]
        # A word with report words for it counts once, as its group: 明年 is in no report, 下一步 is.
        grouped = {t for group in alternatives for t in group}
        own_words = [t for t in tokens if t not in grouped]
        allowed = {r.id for r in reports} if len(reports) < len(self.reports) else None
        # A passage that holds little of what was asked answers another question.
        hits = [
            h for h in self.index.search(own_words, 12, allowed, alternatives) if h.coverage >= _MIN_COVERAGE
        ]
        one_body = len({r.body_id for r in reports}) == 1
        # A body named without a year is asked about as it is now: its latest report answers when
        # it holds about as much of the question as any year does; the section pointed to comes first.
        latest = max(reports, key=lambda r: r.year) if one_body and understood.year is None else None
        best_coverage = max((h.coverage for h in hits), default=0.0)
        latest_first = latest is not None and any(
            h.report_id == latest.id and h.coverage >= _AS_MUCH * best_coverage for h in hits
        )
        hits.sort(key=lambda h: (
            understood.section is not None and self._passage(h.report_id, h.ordinal)[0] != understood.section,
            latest_first and h.report_id != latest.id,
        ))
        specific = self._specific_tokens(tokens + [t for group in alternatives for t in group], understood)
        if (not hits or not specific) and one_body and (understood.section is not None or _asks_how(question)):
            answer, quoted_id = self._overview(question, understood, reports), latest and latest.id
        elif not hits:
            return self.none(question, "我持有的报告里没有找到与这个问题相关的内容。")
        else:
            more = [{"report_id": h.report_id, "ordinal": h.ordinal, "score": round(h.score, 4)} for h in hits[1:6]]
            answer, quoted_id = self._quote(question, hits[0].report_id, hits[0].ordinal, tokens, more), hits[0].report_id
        if latest is not None and len(reports) > 1 and answer.kind == "passage":
            answer.text += "\n" + _which_year_note(latest, quoted_id, reports)
        return answer

    def _specific_tokens(self, tokens: list[str], understood: Understanding) -> list[str]:
        """The search words that say more than which section is meant (查阅点, not 怎么做)."""
        assert self.index is not None
        generic = set(tokenize(understood.section_words))
        idf = self.index.bm25.idf()
        vocabulary_ = self.index.bm25.vocabulary
        return [t for t in tokens if t not in generic and (t not in vocabulary_ or idf[vocabulary_[t]] > 0)]

    def _overview(self, question: str, understood: Understanding, reports: list[ReportRef]) -> Answer:
        """A section of one body's report in brief: its first passage, then what its other passages are about."""
        bodies = {r.body_id for r in reports}
        if len(bodies) > 1:
            return self.clarify(question, reports)
        report = max(reports, key=lambda r: r.year)
        section = understood.section or 1
        passages = self._section_passages(report.id, section)
        if not passages:
            return self.none(question, f"{report.label}的报告中没有找到这一部分的内容。")
        first_ordinal, heading, first = passages[0]
        topics = list(dict.fromkeys(_topic(h, t) for _, h, t in passages[1:]))
        section_title = self._section_title(report.id, section)
        text = f"{report.label}报告“{section_title}”：\n{first}"
        if topics:
            text += "\n这一部分还讲到：\n" + "\n".join(f"· {t}" for t in topics[:_OVERVIEW_TOPICS])
        text += f"\n来源：《{report.title}》{section_title}。"
        source = {"section": section, "section_title": section_title, "heading": heading, "passage": first_ordinal}
        more = [{"report_id": report.id, "ordinal": ordinal, "score": 0.0} for ordinal, _, _ in passages[1:6]]
        return Answer(question, "passage", text, None, None, report.as_dict(), source, more=more)

    def _section_passages(self, report_id: str, section: int) -> list[tuple[int, str, str]]:
        return read.section_passages(self.conn, report_id, section)  # type: ignore[arg-type]

    def named_reports(self, text: str) -> tuple[list[ReportRef], int | None]:
        """Every report of the bodies `text` names (oldest first) and the year it names; a report's id, that report."""
        text = text.strip()
        if text in self.by_id:
            return [self.by_id[text]], self.by_id[text].year
        understood = understand(text, self.body_names, cut(fold(text)))
        return [r for body in understood.bodies for r in self.by_body.get(body, [])], understood.year

    def passage_answer(self, question: str, report_id: str, ordinal: int) -> Answer:
        """One given passage as the answer to a question."""
        started = time.perf_counter()
        question = question.strip()
        understood = understand(question, self.body_names, cut(fold(question)))
        result = self._quote(question, report_id, ordinal, self._search_tokens(question, understood), [])
        result.latency_ms = round((time.perf_counter() - started) * 1000, 3)
        return result

    @staticmethod
    def _search_tokens(question: str, understood: Understanding) -> list[str]:
        """What to search for: the question without the body and year it names."""
        return tokenize(understood.rest if understood.bodies or understood.year else question) or tokenize(question)

    def _quote(self, question: str, report_id: str, ordinal: int, tokens: list[str], more: list[dict]) -> Answer:
        """A passage answer: the passage with its words marked, its report and section."""
        report = self.by_id.get(report_id)
        found = self._passage(report_id, ordinal) if report is not None else None
        if report is None or found is None:
            return self.none(question, "这段内容已不在我的资料中，请重新提问。")
        section, heading, text = found
        section_title = self._section_title(report.id, section)
        where = f"{report.label}报告" + (f"“{section_title}”" if section_title else "")
        answer_text = f"{where}：\n{mark(text, tokens)}\n来源：《{report.title}》{section_title or ''}。"
        source = {"section": section, "section_title": section_title, "heading": heading, "passage": ordinal}
        return Answer(question, "passage", answer_text, None, None, report.as_dict(), source, more=more)

    def _passage(self, report_id: str, ordinal: int) -> tuple[int, str, str] | None:
        return read.passage(self.conn, report_id, ordinal)  # type: ignore[arg-type]

    def _section_title(self, report_id: str, section: int) -> str:
        return read.section_title(self.conn, report_id, section)  # type: ignore[arg-type]

    # ------------------------------------------------------------ clarify, none

    def clarify(self, question: str, reports: list[ReportRef]) -> Answer:
        """Ask which of the bodies the question means."""
        latest: dict[int, ReportRef] = {}
        for report in reports:
            if report.body_id not in latest or report.year > latest[report.body_id].year:
                latest[report.body_id] = report
        candidates = heapq.nsmallest(_MAX_CANDIDATES, latest.values(), key=lambda r: (r.body, r.year))
        lines = "\n".join(f"· {r.label}" for r in candidates)
        text = f"有几份报告都可能回答这个问题，请说明是哪个单位（和年份）：\n{lines}"
        return Answer(question, "clarify", text, candidates=[r.as_dict() for r in candidates])

    def none(self, question: str, reason: str) -> Answer:
        """No answer from the reports, with the reason and what is held."""
        return Answer(question, "none", f"{reason}\n我持有的报告：{self.holdings()}。")

    def holdings(self) -> str:
        """The reports held, one phrase: 柳州市城中区人民政府（2020年）、…"""
        return self._holdings

    def example_questions(self) -> list[str]:
        """Questions built from the reports held, for /start and /help: only those this snapshot
        answers with a figure or a passage (worked out once, on first use)."""
        if self._examples is None:
            self._examples = [q for q in self._example_candidates() if self.answer(q).kind in ("figure", "passage")]
        return self._examples or ["这个机器人持有哪些报告？发送 /reports 查看。"]

    def _example_candidates(self) -> list[str]:
        if not self.reports:
            return []
        report = max(self.reports, key=lambda r: (r.year, r.format != NONSTANDARD))
        name, year = report.short_name, report.year
        return [
            f"{name}{year}年收到多少政府信息公开申请？",
            f"{name}{year}年行政处罚有多少？",
            f"{name}申请被拒绝了多少件？",
            f"{name}的政府信息公开工作是怎么做的？",
            f"{name}的政府信息公开查阅点在哪里？",
        ]


_LISTED_BODIES = 12  # more bodies than this are counted, not listed, in an answer


def _holdings(by_body: dict[int, list[ReportRef]]) -> str:
    if not by_body:
        return "（暂无）"
    listed = [
        f"{reports[0].body}（{'、'.join(str(r.year) for r in reports)}年）"
        for reports in sorted(by_body.values(), key=lambda rs: rs[0].body)
    ]
    if len(listed) <= _LISTED_BODIES:
        return "、".join(listed)
    years = [r.year for reports in by_body.values() for r in reports]
    count = sum(len(reports) for reports in by_body.values())
    return (
        f"{len(by_body)}个单位的{count}份报告（{min(years)}–{max(years)}年），"
        f"例如{'、'.join(listed[:3])}等；用 /reports 查看全部"
    )


def _with_parents(block, row: str) -> list[str]:
    keys = [row]
    while (parent := block.row(keys[-1]).parent) is not None:
        keys.append(parent)
    return keys


def _common_group(block, cell: CellQuery) -> str:
    """The format's name for rows asked about together (行政诉讼), else the question's words."""
    labels = {block.row(row).group_label for row in cell.rows}
    return labels.pop() if len(labels) == 1 and None not in labels else cell.words


def _version_name(key: str) -> str:
    """2021年版格式（国办公开办函〔2021〕30号）."""
    version = national_format().version(key)
    return f"{version.name}（{version.issued_by}）" if version else key


def _asks_how(question: str) -> bool:
    return any(word in question for word in _HOW)


def _topic(heading: str, text: str) -> str:
    """What a passage is about: its heading, else its first sentence (two when the first is a
    heading run into the text, （一）主动公开情况。…), kept short."""
    sentences = text.split("。")
    topic = heading or (sentences[0] if len(sentences[0]) > _TOPIC_LENGTH // 3 else "。".join(sentences[:2]))
    return topic if len(topic) <= _TOPIC_LENGTH else topic[:_TOPIC_LENGTH] + "…"


def mark(text: str, tokens: list[str]) -> str:
    """The passage with the query's words wrapped in 【】, longest words first, no overlaps."""
    spans: list[tuple[int, int]] = []
    for token in sorted(set(tokens), key=len, reverse=True):
        if len(token) < 2 and not token.isdigit():
            continue
        start = text.find(token)
        while start >= 0:
            end = start + len(token)
            # A number only as a whole number: the 1 asked about is not in 第711号.
            whole = not token.isdigit() or not (_is_digit_at(text, start - 1) or _is_digit_at(text, end))
            if whole and all(end <= s or start >= e for s, e in spans):
                spans.append((start, end))
            start = text.find(token, end)
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start] + MARK_OPEN + text[start:end] + MARK_CLOSE)
        last = end
    return "".join(out) + text[last:]


def _is_digit_at(text: str, position: int) -> bool:
    return 0 <= position < len(text) and text[position].isdigit()


def _show(value: int | float | None, unit: str | None) -> str:
    if value is None:
        return "空白"
    return f"{format_number(value)}{unit or ''}"
