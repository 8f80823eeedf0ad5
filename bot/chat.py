"""The chat loop: reads a line, answers it; it does not know which front end it runs in."""

from __future__ import annotations

from typing import Callable

from bot.answer import Engine

PROMPT = "问> "
HELP = (
    "直接用中文提问，例如：\n{examples}\n"
    "命令：/help 帮助，/reports 我持有的报告，Ctrl-D 退出。"
)


def run_chat(engine: Engine, read: Callable[[str], str | None], write: Callable[[str], None]) -> None:
    """Answer lines until `read` returns None (end of input)."""
    write("政府信息公开年度报告问答。输入 /help 查看帮助，Ctrl-D 退出。")
    while (line := read(PROMPT)) is not None:
        line = line.strip()
        if not line:
            continue
        if line in ("/help", "/start", "帮助"):
            write(help_text(engine))
        elif line == "/reports":
            write(f"我持有的报告：{engine.holdings()}。")
        elif line in ("/quit", "/exit"):
            break
        else:
            write(engine.answer(line).text)
    write("再见。")


def help_text(engine: Engine) -> str:
    examples = "\n".join(f"  {q}" for q in engine.example_questions())
    return HELP.format(examples=examples)
