"""The chat loop: reads a line, answers it; it does not know which front end it runs in.

The console chat understands the commands of the Telegram bot's menu and shows the same help.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from bot import render
from bot.answer import Engine
from ingest.check import check

PROMPT = "问> "
GREETING = "政府信息公开年度报告问答。输入 /help 查看帮助，Ctrl-D 退出。"


def run_chat(engine: Engine, read: Callable[[str], str | None], write: Callable[[str], None]) -> None:
    """Answer lines until `read` returns None (end of input) or /quit."""
    write(GREETING)
    while (line := read(PROMPT)) is not None:
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        write(reply(engine, line))
    write("再见。")


def reply(engine: Engine, line: str) -> str:
    """The console's reply to a line: a command of the bot's menu, or else a question."""
    command, _, rest = line.partition(" ")
    if command in ("/help", "/start", "帮助"):
        return render.help_text(engine.example_questions())
    if command == "/reports":
        return render.reports_text(engine.reports)
    if command == "/ask":
        return engine.answer(rest).text if rest.strip() else render.ask_usage(engine.example_questions()[0])
    if command == "/figure":
        question = figure_question(rest.split())
        return engine.answer(question).text if question else render.FIGURE_USAGE
    if command == "/check":
        return check_reply(engine, rest)
    if command == "/export":
        return render.CONSOLE_EXPORT
    if command.startswith("/"):
        return render.UNKNOWN_COMMAND
    return engine.answer(line).text


def check_reply(engine: Engine, words: str) -> str:
    """/check BODY [YEAR]: what does not add up in that report held, as in Telegram."""
    if not words.strip():
        return render.CHECK_USAGE
    held, year = engine.named_reports(words)
    problem = render.named_problem(words, held, year, engine.holdings())
    if problem is not None:
        return problem
    report = [r for r in held if year is None or r.year == year][-1]
    [checked] = check([report.id], engine.data_dir)
    return render.check_text(checked, report.label)


def figure_question(args: Sequence[str]) -> str | None:
    """The question /figure BODY [YEAR] ITEM stands for; without a year, every year's figure."""
    if len(args) < 2:
        return None
    body, rest = args[0], list(args[1:])
    year = re.fullmatch(r"(\d{4})年?", rest[0])
    if year and len(rest) > 1:
        return f"{body}{year.group(1)}年{''.join(rest[1:])}"
    if year:
        return None
    return f"{body}历年{''.join(rest)}"
