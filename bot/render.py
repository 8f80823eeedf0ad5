"""What the bot says: the texts of its commands (one set for the console chat and Telegram), and
an Answer or any of those texts as HTML messages under Telegram's length limit."""

from __future__ import annotations

import html
import re
from typing import Any, Iterable, Sequence

from bot.answer import MARK_CLOSE, MARK_OPEN, Answer
from bot.export import NoCells, NoSuchBody, NothingHeld, TooManyRows
from ingest.check import CELLS_SKIPPED, NOT_STANDARD, READ_FULLY, REFUSED, SUMS_BROKEN, TABLES_MISSING, Checked
from ingest.run import FileOutcome, IngestSummary

MESSAGE_LIMIT = 4096  # characters (UTF-16 code units) after entity parsing
CAPTION_LIMIT = 1024  # a photo's or a document's caption, likewise
# Where a long text may be cut, best first: blank lines, lines, then after a sentence.
_SEPARATORS = (re.compile(r"(?<=\n\n)"), re.compile(r"(?<=\n)"), re.compile(r"(?<=[。！？!?])"))
# A matched word in a passage; only a balanced pair on one line, so a stray 【 in a report stays text.
_MARK = re.compile(re.escape(MARK_OPEN) + r"([^" + MARK_OPEN + MARK_CLOSE + r"\n]+)" + re.escape(MARK_CLOSE))

COMMANDS = {
    "start": "这个机器人能回答什么",
    "help": "怎样提问",
    "ask": "提问：/ask 问题",
    "reports": "我持有的报告",
    "figure": "查数字：/figure 单位 [年份] 项目",
    "check": "查报告里对不上的数字：/check 单位 [年份]",
    "export": "导出表格数字为 Excel：/export 单位 [年份]",
}
ADMIN_COMMANDS = {
    "reingest": "重新导入报告文件夹（管理员）",
    "restore": "恢复报告被替换前的版本：/restore 单位 年份（管理员）",
    "stats": "统计（管理员）",
}


def answer_messages(answer: Answer) -> list[str]:
    """The answer's text as HTML messages; in a passage the matched words are bold."""
    return html_messages(answer.text, marks=answer.kind == "passage")


def html_messages(text: str, marks: bool = False) -> list[str]:
    """Plain text cut into pieces Telegram accepts, each escaped for HTML parse mode."""
    return [_to_html(piece, marks) for piece in split_text(text)]


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Plain text in pieces of at most `limit` characters, cut at blank lines, lines, sentences."""
    pieces = [piece.strip("\n") for piece in _split(text, limit, _SEPARATORS)]
    return [piece for piece in pieces if piece.strip()] or ["…"]


def _split(text: str, limit: int, separators: tuple[re.Pattern[str], ...]) -> list[str]:
    if _length(text) <= limit:
        return [text]
    if not separators:
        return _hard_cut(text, limit)
    parts: list[str] = []
    for part in separators[0].split(text):
        parts.extend(_split(part, limit, separators[1:]) if _length(part) > limit else [part])
    chunks: list[str] = []
    current, size = "", 0
    for part in parts:
        width = _length(part)
        if current and size + width > limit:
            chunks.append(current)
            current, size = "", 0
        current, size = current + part, size + width
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    """Cut where nothing better exists, never inside a surrogate pair."""
    chunks, current, size = [], [], 0
    for char in text:
        width = _length(char)
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    chunks.append("".join(current))
    return chunks


def _length(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def caption(text: str) -> str:
    """A series answer's first line as a photo caption, cut to Telegram's limit, escaped for HTML."""
    first = text.strip().split("\n", 1)[0] or "…"
    if _length(first) > CAPTION_LIMIT:
        first = _hard_cut(first, CAPTION_LIMIT - 1)[0] + "…"
    return _to_html(first, marks=False)


def _to_html(text: str, marks: bool) -> str:
    escaped = html.escape(text, quote=False)
    return _MARK.sub(r"<b>\1</b>", escaped) if marks else escaped


def candidate_label(candidate: dict[str, Any]) -> str:
    """A button's label for a clarify candidate (button labels are not HTML)."""
    return f"{candidate['body']} {candidate['year']}年"


def start_text(holdings: str, examples: Iterable[str]) -> str:
    """What /start says: what the bot holds and questions it can answer."""
    lines = "\n".join(f"· {q}" for q in examples)
    return (
        "您好！我回答关于政府信息公开工作年度报告的问题，数字和原文都注明出处。\n\n"
        f"我持有的报告：{holdings}。\n\n"
        f"可以这样问：\n{lines}\n\n"
        "直接发问题给我即可；在群里请 @我 或回复我的消息。/help 查看全部命令。"
    )


def help_text(examples: Iterable[str], admin: bool = False) -> str:
    """What /help says, in the console chat and in Telegram: the commands, and example questions."""
    commands = {**COMMANDS, **(ADMIN_COMMANDS if admin else {})}
    lines = "\n".join(f"/{name} {text}" for name, text in commands.items())
    questions = "\n".join(f"· {q}" for q in examples)
    text = (
        f"直接用中文提问，例如：\n{questions}\n\n命令：\n{lines}\n\n"
        "例：/figure 城中区 2020 行政处罚；不写年份时列出历年的数字。"
        "/check 城中区 2020 查这份报告里合计不成立、正文与表格不符的地方；"
        "/export 城中区 把它的表格数字导出为 Excel 文件。"
    )
    if admin:
        text += "\n管理员可以直接发送报告文件（PDF、HTML、DOCX、TXT）来导入；/restore 城中区 2020 恢复它被替换前的版本。"
    return text


def ask_usage(example: str) -> str:
    """What /ask without a question says."""
    return f"用法：/ask 问题，例如：/ask {example}"


CHECK_USAGE = "用法：/check 单位 [年份]，例如：/check 城中区 2020（不写年份时查最新一年的报告）。"
EXPORT_USAGE = "用法：/export 单位 [年份]，例如：/export 城中区 2020（不写年份时导出历年的数字）。"
RESTORE_USAGE = "用法：/restore 单位 年份，或 /restore 报告编号，例如：/restore 城中区 2020。"
FIGURE_USAGE = "用法：/figure 单位 [年份] 项目，例如：/figure 城中区 2020 行政处罚（不写年份时列出历年的数字）。"
UNKNOWN_COMMAND = "我不认识这个命令。发送 /help 查看可用的命令，或直接提问。"
CONSOLE_EXPORT = "在控制台导出表格数字请用命令：reportbot export --body 单位 [--year 年份] -o 文件.xlsx"


LISTED_BODIES = 50  # a province's thousands of bodies would be dozens of messages


def reports_text(reports: Iterable[Any]) -> str:
    """What /reports says: each body held with its years, the first LISTED_BODIES of them."""
    years: dict[str, list[int]] = {}
    for report in reports:
        years.setdefault(report.body, []).append(report.year)
    if not years:
        return "我还没有任何报告。"
    count = sum(len(ys) for ys in years.values())
    lines = [f"· {body}：{'、'.join(map(str, sorted(ys)))}年" for body, ys in sorted(years.items())]
    text = f"我持有 {len(years)} 个单位的 {count} 份报告：\n" + "\n".join(lines[:LISTED_BODIES])
    if len(lines) > LISTED_BODIES:
        text += f"\n……另有 {len(lines) - LISTED_BODIES} 个单位。提问时说出单位名称即可查它的报告。"
    return text


def stats_text(reports: int, answered: int, median_ms: float | None) -> str:
    """What /stats says to an admin."""
    median = f"{median_ms:.0f} 毫秒" if median_ms is not None else "（还没有）"
    return f"持有报告：{reports} 份\n已回答问题：{answered} 个\n回答时间中位数：{median}"


# What happened to a file, and why one was refused (ingest.run's FileOutcome), in words.
OUTCOME_WORDS = {"ingested": "已导入", "replaced": "已替换", "unchanged": "未改变", "restored": "已恢复"}
REFUSAL_WORDS = {
    "unsupported": "文件无法读取",
    "not_a_report": "不是政府信息公开工作年度报告",
    "over_limit": "超过导入限制",
    "worse_reading": "读出的内容比已存的报告少",
    "missing": "找不到这个文件",
    "unreadable": "文件打不开",
    "parser_failure": "读取时出错",
    "disk_failure": "写入磁盘失败（磁盘可能已满），这份文件什么也没有存",
}


def ingest_text(summary: IngestSummary, shown_from: str = "", button: bool = False) -> str:
    """The reply to an ingest: the counts, then each file (its name without `shown_from`) with its
    warnings and findings, and for a worse reading refused, that the report held was kept
    (`button`: a replace button follows). The reason a file was refused follows in brackets as
    the library gave it."""
    counts = (
        f"导入 {summary.count('ingested')} 份，替换 {summary.count('replaced')} 份，"
        f"拒收 {summary.count('refused')} 份，警告 {summary.warning_count} 条"
    )
    if summary.count("unchanged"):
        counts += f"，{summary.count('unchanged')} 份与已存的相同、未改变"
    if summary.stopped:
        counts += f"；中途停止，没有尝试：{'、'.join(_shown(p, shown_from) for p in summary.not_tried) or '无'}"
    lines = [f"导入结果：{counts}"]
    for outcome in summary.outcomes:
        lines.append(_outcome_line(outcome, shown_from))
        lines.extend(f"  警告：{w}" for w in outcome.warnings)
        lines.extend(f"  发现：{f}" for f in outcome.findings)
        if outcome.worse_reading:
            then = "可按下面的“仍然替换”。" if button else "可单独发送这个文件，再按“仍然替换”。"
            lines.append(f"  没有替换：这份文件读出的内容比已存的报告少，已存的报告保持不变。确认这份文件无误，{then}")
    return "\n".join(lines)


def _shown(path: str, shown_from: str) -> str:
    return path.removeprefix(shown_from)


def _outcome_line(outcome: FileOutcome, shown_from: str) -> str:
    name = _shown(outcome.path, shown_from)
    if outcome.status == "refused":
        detail = (outcome.reason or "").removeprefix(f"{outcome.path}: ")
        return f"拒收 {name}：{REFUSAL_WORDS.get(outcome.refusal or '', '无法导入')}（{detail}）"
    line = f"{OUTCOME_WORDS.get(outcome.status, outcome.status)} {name}：{outcome.body} {outcome.year}年（编号 {outcome.report_id}）"
    if outcome.warnings:
        line += f"，警告 {len(outcome.warnings)} 条"
    if outcome.findings:
        line += f"，发现 {len(outcome.findings)} 处问题"
    return line


# The status of a report checked, in words.
STATUS_WORDS = {
    READ_FULLY: "表格全部读出，各项合计成立",
    SUMS_BROKEN: "表格全部读出，但报告中有合计不成立",
    CELLS_SKIPPED: "有些表格数字没能读出",
    TABLES_MISSING: "缺少表格",
    NOT_STANDARD: "不是国家统一格式，没有标准表格",
    REFUSED: "无法读取",
}
LISTED_WARNINGS = 10


def check_text(checked: Checked, label: str) -> str:
    """What /check says of a report held: its status in words, then each finding, or that there is none."""
    tables = "、".join(f"表{n} {count} 格" for n, count in sorted(checked.cells.items()))
    lines = [f"{label}（编号 {checked.report_id}）：{STATUS_WORDS.get(checked.status, checked.status)}。"]
    if tables:
        lines.append(f"读出的数字：{tables}。")
    if checked.findings:
        lines.append(f"发现 {len(checked.findings)} 处问题：")
        lines.extend(f"· {f.message}" for f in checked.findings)
    else:
        lines.append("没有发现问题。")
    if checked.warnings:
        lines.append(f"没能读出的部分（{len(checked.warnings)} 处）：")
        lines.extend(f"· {w}" for w in checked.warnings[:LISTED_WARNINGS])
        if len(checked.warnings) > LISTED_WARNINGS:
            lines.append(f"……另有 {len(checked.warnings) - LISTED_WARNINGS} 处。")
    return "\n".join(lines)


def named_problem(text: str, held: Sequence[Any], year: int | None, holdings: str) -> str | None:
    """Why a command's words (`text`) do not point to one body's report: none named, several,
    a year not held; None when they do. `held`: the reports of the bodies named."""
    if not held:
        return f"我没有“{text.strip()}”的报告。我持有的报告：{holdings}。"
    years: dict[str, list[int]] = {}
    for report in held:
        years.setdefault(report.body, []).append(report.year)
    if len(years) > 1:
        lines = "\n".join(f"· {body}：{'、'.join(map(str, ys))}年" for body, ys in sorted(years.items()))
        return f"“{text.strip()}”可能指以下几个单位，请写出完整名称：\n{lines}"
    [(body, ys)] = years.items()
    if year is not None and year not in ys:
        return f"我没有{body}{year}年的报告（我有它{'、'.join(map(str, ys))}年的报告）。"
    return None


def export_caption(what: str, count: int) -> str:
    """The caption of an exported file."""
    return html.escape(f"{what}报告的表格数字，共 {count} 格，每格一行。", quote=False)


def export_refusal(error: Exception, what: str) -> str:
    """An export refused (bot.export's named errors), said politely."""
    if isinstance(error, NothingHeld):
        return "我还没有任何报告，没有可导出的数字。"
    if isinstance(error, (NoSuchBody, NoCells)):
        return f"{what}的报告中没有读出表格数字，没有可导出的内容。"
    if isinstance(error, TooManyRows):
        return f"{what}的数字太多，一个 Excel 表放不下；请按年份分别导出，例如加上年份。"
    return f"抱歉，没能导出{what}的表格数字。"


def nothing_to_restore(label: str) -> str:
    """What /restore says when the report has no earlier reading kept."""
    return f"{label}的报告没有可以恢复的早先版本：它没有被替换过，或早先的文件没有保存。"


def restore_text(label: str, restored: bool, reason: str | None, stopped: str | None) -> str:
    """What /restore says when it ran: restored, or why not."""
    if restored:
        text = f"已恢复{label}的报告被替换前的版本。"
    else:
        text = f"没能恢复{label}的报告：{reason or '早先的文件读不出来'}"
    if stopped:
        text += f"\n注意：{stopped}"
    return text
