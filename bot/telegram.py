"""The Telegram front end: handlers that pass questions to the Engine and send its Answers back.

`build_application` registers every handler; `run_bot` runs it (polling, or a webhook when
configured). Handlers only format Answers: what an answer says is decided in bot/answer.py.
Ingests and restores run in a child process (bot/worker.py), so questions go on being answered
meanwhile and stopping the bot stops them; charts, checks and exports run in a thread.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import re
import secrets
import statistics
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Coroutine, Literal
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InvalidCallbackData,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import render
from bot.answer import Answer, Engine, ReportRef
from bot.chart import draw_series
from bot.chat import figure_question
from bot.export import ExportError, export_cells
from bot.telegram_http import RetryingRequest, hide_token
from bot.worker import GRACE, run_in_child
from config import Settings
from index.passages import ingest_and_index, restore_and_index
from ingest.check import check
from ingest.errors import NothingToRestore
from ingest.run import IngestSummary

log = logging.getLogger(__name__)

SORRY = "抱歉，处理您的消息时出了点问题，请稍后再试。"
TOO_FAST = "您提问太快了，请稍等一会儿再问。"
NOT_ADMIN = "抱歉，只有管理员可以导入、替换、恢复报告或查看统计。"
EXPIRED = "这个按钮已过期，请重新提问。"
BUSY = "另一个导入正在进行，请稍后再试。"
NO_DOWNLOAD = "没能从 Telegram 取得这个文件，请重新发送。"
REPLY_GRACE = 2.0  # seconds stopping waits for replies under way before dropping them
KEYBOARDS_KEPT = 5000  # keyboards whose buttons still work (arbitrary_callback_data keeps them in memory)
UPLOAD_SUFFIXES = {".pdf", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".txt", ".text"}
UPLOAD_TYPES = {
    "application/pdf",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class BotError(Exception):
    """The bot cannot run; the message says why, for the person starting it."""


class BotConfigError(BotError):
    """The bot cannot start as configured (no token, one Telegram refuses, webhook without tornado)."""


class BotApiUnreachable(BotError):
    """The Bot API did not answer while the bot was starting."""


# ------------------------------------------------------------------ state kept in bot_data


@dataclass
class RateLimit:
    """At most `count` updates per user in any `seconds`; beyond that, one notice per window."""

    count: int = 20
    seconds: float = 60.0
    _seen: dict[int, deque[float]] = field(default_factory=dict, repr=False)
    _noticed: dict[int, float] = field(default_factory=dict, repr=False)

    def check(self, user_id: int, now: float | None = None) -> Literal["allow", "notify", "drop"]:
        """Count an update from the user: allowed, one too many (tell them once), or dropped silently."""
        now = time.monotonic() if now is None else now
        if len(self._seen) > 10_000:  # forget users who have been quiet for a whole window
            self._forget(now)
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - self.seconds:
            seen.popleft()
        if len(seen) < self.count:
            seen.append(now)
            return "allow"
        noticed = self._noticed.get(user_id)
        if noticed is not None and noticed > now - self.seconds:
            return "drop"
        self._noticed[user_id] = now
        return "notify"

    def _forget(self, now: float) -> None:
        self._seen = {u: s for u, s in self._seen.items() if s and s[-1] > now - self.seconds}
        self._noticed = {u: t for u, t in self._noticed.items() if t > now - self.seconds}


@dataclass(frozen=True)
class Choice:
    """A clarify button: the question, to answer for one report."""

    question: str
    report_id: str


@dataclass(frozen=True)
class NextPassage:
    """A "next" button: the passage `index` of those a passage answer did not show."""

    question: str
    more: tuple[dict[str, Any], ...]
    index: int


@dataclass(frozen=True)
class ReplaceAnyway:
    """A "仍然替换" button under an upload refused as a worse reading: ingest it again with replace.

    It holds the upload's file_id, and the file is fetched again when the button is pressed:
    a copy kept on disk meanwhile would outlive a button never pressed, or forgotten on restart."""

    file_id: str
    file_name: str


@dataclass
class BotState:
    """What the handlers share, kept in bot_data["state"]."""

    engine: Engine
    settings: Settings
    rate_limit: RateLimit
    answered: int = 0
    answer_ms: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    ingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    work: set[asyncio.Task[None]] = field(default_factory=set)  # downloads and ingests, cancelled on stop
    handling: set[asyncio.Task[Any]] = field(default_factory=set)  # every update's task, cancelled if slow to stop


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.bot_data["state"]


# ------------------------------------------------------------------ the application


class ReportBot(Application):  # type: ignore[type-arg]
    """The Application, stopping within seconds: stop() waits for every update's handler, so
    downloads and ingests are cancelled first, and replies still waiting (a long 429) after
    REPLY_GRACE seconds are dropped."""

    async def stop(self) -> None:
        state = self.bot_data.get("state")
        if not isinstance(state, BotState):
            await super().stop()
            return
        if state.work:
            log.warning("stopping %d download(s) or ingest(s) under way", len(state.work))
            for task in state.work:
                task.cancel()
            await asyncio.wait(set(state.work), timeout=3 * GRACE)
        stopping = asyncio.ensure_future(super().stop())
        await asyncio.wait({stopping}, timeout=REPLY_GRACE)
        if not stopping.done():
            log.warning("dropping %d update(s) still being answered after %.0f s", len(state.handling), REPLY_GRACE)
            for task in state.handling:
                task.cancel()
        await stopping


def build_application(
    settings: Settings, engine: Engine, rate_limit: RateLimit | None = None, *, read_timeout: float = 20.0
) -> Application:
    """The bot with every handler registered, its Bot API URLs, timeouts, retries and flood limits."""
    token = settings.telegram_token
    if not token:
        raise BotConfigError(_NO_TOKEN)
    hide_token(token)  # before the Bot exists: it logs its API URL, which holds the token
    application = (
        Application.builder()
        .application_class(ReportBot)
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_file_url)
        .request(RetryingRequest(connection_pool_size=64, connect_timeout=10, read_timeout=read_timeout,
                                 write_timeout=20, pool_timeout=10, media_write_timeout=60))
        # A short connect timeout: stopping sends a last getUpdates, which must not hold the exit.
        .get_updates_request(HTTPXRequest(connect_timeout=3, read_timeout=10, pool_timeout=10))
        .rate_limiter(AIORateLimiter(max_retries=3))  # waits out a 429's retry_after, then retries
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .arbitrary_callback_data(KEYBOARDS_KEPT)
        .concurrent_updates(True)
        .post_init(set_commands)
        .build()
    )
    application.bot_data["state"] = BotState(engine, settings, rate_limit or RateLimit())

    in_groups = filters.ChatType.GROUPS & AddressedToBot()
    questions = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    application.add_handler(TypeHandler(Update, track), group=-2)
    application.add_handler(TypeHandler(Update, limit), group=-1)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", show_help))
    application.add_handler(CommandHandler("ask", ask))
    application.add_handler(CommandHandler("reports", reports))
    application.add_handler(CommandHandler("figure", figure))
    application.add_handler(CommandHandler("check", check_report))
    application.add_handler(CommandHandler("export", export))
    application.add_handler(CommandHandler("reingest", reingest))
    application.add_handler(CommandHandler("restore", restore))
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command))
    application.add_handler(MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, upload))
    application.add_handler(MessageHandler(questions & (filters.ChatType.PRIVATE | in_groups), question))
    application.add_handler(CallbackQueryHandler(choose_report, pattern=Choice))
    application.add_handler(CallbackQueryHandler(next_passage, pattern=NextPassage))
    application.add_handler(CallbackQueryHandler(replace_anyway, pattern=ReplaceAnyway))
    application.add_handler(CallbackQueryHandler(expired_button))
    application.add_error_handler(report_error)
    return application


async def set_commands(application: Application) -> None:
    """Publish the command menu; admins also see /reingest, /restore and /stats in their own chats."""
    public = [BotCommand(name, text) for name, text in render.COMMANDS.items()]
    admin = public + [BotCommand(name, text) for name, text in render.ADMIN_COMMANDS.items()]
    await application.bot.set_my_commands(public)
    for user_id in sorted(application.bot_data["state"].settings.admins):
        try:
            await application.bot.set_my_commands(admin, scope=BotCommandScopeChat(user_id))
        except BadRequest as error:  # the admin has not opened a chat with the bot yet
            log.warning("could not set the admin command menu for user %s: %s", user_id, error)
    log.info("serving as @%s", application.bot.username)


# ------------------------------------------------------------------ handlers


async def track(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember the task handling this update, for a stop that cannot wait for it."""
    task = asyncio.current_task()
    if task is not None:
        handling = _state(context).handling
        handling.add(task)
        task.add_done_callback(handling.discard)


async def limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count every update the bot would act on against its user's limit; drop those over it."""
    user = update.effective_user
    if user is None or not _acted_on(update, context.application):
        return
    verdict = _state(context).rate_limit.check(user.id)
    if verdict == "allow":
        return
    if verdict == "notify":
        log.warning("user %s is over the rate limit; their updates are dropped for a while", user.id)
    if update.callback_query is not None:  # the client spins until the press is answered
        await update.callback_query.answer(TOO_FAST if verdict == "notify" else None)
    elif verdict == "notify":
        await _reply(update, context, render.html_messages(TOO_FAST))
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot holds, with example questions from those reports."""
    engine = _state(context).engine
    await _reply(update, context, render.html_messages(render.start_text(engine.holdings(), engine.example_questions())))


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands and example questions."""
    state = _state(context)
    admin = update.effective_user is not None and update.effective_user.id in state.settings.admins
    await _reply(update, context, render.html_messages(render.help_text(state.engine.example_questions(), admin)))


async def reports(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the reports held."""
    await _reply(update, context, render.html_messages(render.reports_text(_state(context).engine.reports)))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /ask QUESTION."""
    text = " ".join(context.args or [])
    if not text.strip():
        example = _state(context).engine.example_questions()[0]
        await _reply(update, context, render.html_messages(render.ask_usage(example)))
        return
    await _answer(update, context, text)


async def figure(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /figure BODY [YEAR] ITEM with the question it stands for."""
    text = figure_question(context.args or [])
    if text is None:
        await _reply(update, context, render.html_messages(render.FIGURE_USAGE))
        return
    await _answer(update, context, text)


async def check_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/check BODY [YEAR] or /check REPORT_ID: what does not add up in a report held (anyone)."""
    found = await _named(update, context, render.CHECK_USAGE)
    if found is None:
        return
    report = found[0][-1]
    [checked] = await asyncio.to_thread(check, [report.id], _state(context).engine.data_dir)
    await _reply(update, context, render.html_messages(render.check_text(checked, report.label)))


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export BODY [YEAR]: the body's table cells (of that year, else every year) as an Excel file.

    Anyone may: the cells are the published figures anyone can ask for one by one, a body is
    required (never the whole database), and its few hundred cells a year make a small file."""
    found = await _named(update, context, render.EXPORT_USAGE)
    if found is None:
        return
    reports, year = found
    report = reports[-1]
    what = f"{report.body}{year}年" if year is not None else report.body
    with tempfile.TemporaryDirectory(prefix="reportbot-export-") as folder:
        path = Path(folder) / "cells.xlsx"
        try:
            count = await asyncio.to_thread(
                export_cells, _state(context).engine.data_dir, path, body=report.body, year=year, fmt="xlsx"
            )
        except ExportError as error:
            log.info("export of %s refused: %s", what, error)
            await _reply(update, context, render.html_messages(render.export_refusal(error, what)))
            return
        name = f"{report.short_name or report.body}-{year if year is not None else '历年'}.xlsx"
        await _send_file(update, context, "document", path, name, render.export_caption(what, count))


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message: any in a private chat, in a group one addressed to the bot."""
    message = update.effective_message
    assert message is not None
    text = _without_mentions(message, context.bot)
    if not text:
        example = _state(context).engine.example_questions()[0]
        await _reply(update, context, render.html_messages(f"请在 @我 后面写上问题，例如：{example}"))
        return
    await _answer(update, context, text)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point to /help when a command is not one of ours."""
    await _reply(update, context, render.html_messages(render.UNKNOWN_COMMAND))


async def choose_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the original question for the report a clarify button names."""
    query = update.callback_query
    assert query is not None and isinstance(query.data, Choice)
    await query.answer()
    await _answer(update, context, query.data.question, report_id=query.data.report_id)


async def next_passage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the next passage of a passage answer."""
    query = update.callback_query
    assert query is not None and isinstance(query.data, NextPassage)
    await query.answer()
    state, pressed = _state(context), query.data
    passage = pressed.more[pressed.index]
    answer = await _timed(state, state.engine.passage_answer, pressed.question, passage["report_id"], passage["ordinal"])
    keyboard = None
    if answer.kind == "passage" and pressed.index + 1 < len(pressed.more):
        keyboard = _next_keyboard(NextPassage(pressed.question, pressed.more, pressed.index + 1))
    await _reply(update, context, render.answer_messages(answer), keyboard)


async def replace_anyway(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store an upload refused as a worse reading anyway (admins only: checked again on each press)."""
    query = update.callback_query
    assert query is not None and isinstance(query.data, ReplaceAnyway)
    user = update.effective_user
    if user is None or user.id not in _state(context).settings.admins:
        log.warning("user %s pressed 仍然替换 but is not an admin", user.id if user else None)
        await query.answer(NOT_ADMIN, show_alert=True)
        return
    await query.answer()
    pressed = query.data
    await _stoppable(context, _download_and_ingest(update, context, pressed.file_id, pressed.file_name, replace=True))


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say politely that a button is no longer known (the bot restarted, or forgot old keyboards)."""
    query = update.callback_query
    assert query is not None
    if not isinstance(query.data, InvalidCallbackData):
        log.warning("a button press with unexpected data %r", query.data)
    await query.answer(EXPIRED)


async def reingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-ingest the configured corpus folder (admins only)."""
    if not await _admin(update, context, "/reingest"):
        return
    corpus = _state(context).settings.corpus_dir
    if corpus is None or not corpus.is_dir():
        await _reply(update, context, render.html_messages("没有配置报告文件夹（REPORTBOT_CORPUS），或该文件夹不存在。"))
        return
    await _stoppable(context, _ingest(update, context, [corpus], shown_from=corpus))


async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ingest a report file sent by an admin; refuse anyone else, and files too large."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if not await _admin(update, context, f"to upload {document.file_name!r}"):
        return
    problem = upload_problem(document, _state(context).settings.max_upload_mb)
    if problem:
        await _reply(update, context, render.html_messages(problem))
        return
    name = _safe_name(document.file_name)
    await _stoppable(context, _download_and_ingest(update, context, document.file_id, name))


async def restore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/restore BODY YEAR or /restore REPORT_ID: bring back the reading a report had before it was
    last replaced (admins only); without a year, the body's latest report."""
    if not await _admin(update, context, "/restore"):
        return
    found = await _named(update, context, render.RESTORE_USAGE)
    if found is None:
        return
    await _stoppable(context, _restore(update, context, found[0][-1]))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show reports held, questions answered and the median answer time (admins only)."""
    state = _state(context)
    if not await _admin(update, context, "/stats"):
        return
    median = statistics.median(state.answer_ms) if state.answer_ms else None
    text = render.stats_text(len(state.engine.reports), state.answered, median)
    await _reply(update, context, render.html_messages(text))


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its traceback; tell the user only that something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handling update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None or not _worth_telling(context.error):
        return
    try:
        await context.bot.send_message(update.effective_chat.id, render.html_messages(SORRY)[0])
    except TelegramError as error:
        log.warning("could not tell chat %s about the error: %s", update.effective_chat.id, error)


def _worth_telling(error: BaseException | None) -> bool:
    """Whether to say sorry: not when talking to Telegram failed, since what was sent may have arrived
    (a lost answer to a sendMessage) or a second message would fail alike; yes for a refused request."""
    return not isinstance(error, TelegramError) or isinstance(error, BadRequest)


# ------------------------------------------------------------------ helpers


def _acted_on(update: Update, application: Application) -> bool:
    """Whether one of the bot's handlers takes the update (group chatter not addressed to it is not)."""
    for handler in application.handlers.get(0, []):
        check = handler.check_update(update)
        if check is not None and check is not False:
            return True
    return False


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, report_id: str | None = None) -> None:
    """Answer a question off the event loop and send it with its buttons."""
    state = _state(context)
    answer = await _timed(state, state.engine.answer, text, report_id)
    await _reply(update, context, render.answer_messages(answer), _keyboard(answer))
    if answer.kind == "series" and answer.rows:
        await _send_chart(update, context, answer)


async def _send_chart(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    """A series answer's chart as a photo after its text, drawn in a thread; a drawing that fails
    is logged and nothing more: the text has been sent."""
    with tempfile.TemporaryDirectory(prefix="reportbot-chart-") as folder:
        path = Path(folder) / "chart.png"
        try:
            await asyncio.to_thread(draw_series, answer.to_dict(), path)
        except Exception:  # any failure of matplotlib or its font: the answer stands without its chart
            log.exception("drawing the chart of %r failed; the answer went as text only", answer.question)
            return
        await _send_file(update, context, "photo", path, "chart.png", render.caption(answer.text))


async def _named(
    update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str
) -> tuple[list[ReportRef], int | None] | None:
    """The one body a command's words name: its reports (those of the year named, if one is) and
    the year; None when the words name none, several, or a year not held (the user is told)."""
    text = " ".join(context.args or [])
    if not text.strip():
        await _reply(update, context, render.html_messages(usage))
        return None
    engine = _state(context).engine
    held, year = await asyncio.to_thread(engine.named_reports, text)
    problem = render.named_problem(text, held, year, engine.holdings())
    if problem is not None:
        await _reply(update, context, render.html_messages(problem))
        return None
    return [r for r in held if year is None or r.year == year], year


async def _timed(state: BotState, function: Callable[..., Answer], *args: Any) -> Answer:
    """Run the Engine in a thread, counting the answer and its time for /stats."""
    started = time.perf_counter()
    answer = await asyncio.to_thread(function, *args)
    state.answer_ms.append((time.perf_counter() - started) * 1000)
    state.answered += 1
    return answer


def _keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """A clarify answer's report buttons, or a passage answer's "next" button."""
    if answer.kind == "clarify" and answer.candidates:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(render.candidate_label(c), callback_data=Choice(answer.question, c["id"]))]
             for c in answer.candidates]
        )
    if answer.kind == "passage" and answer.more:
        return _next_keyboard(NextPassage(answer.question, tuple(answer.more), 0))
    return None


def _next_keyboard(pressed: NextPassage) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("下一条", callback_data=pressed)]])


async def _reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    messages: list[str],
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Send HTML messages to the update's chat, the keyboard under the last; in groups, as a reply."""
    chat = update.effective_chat
    assert chat is not None
    quoted = update.message if chat.type != chat.PRIVATE and update.message is not None else None
    for position, text in enumerate(messages):
        await context.bot.send_message(
            chat.id,
            text,
            reply_markup=keyboard if position == len(messages) - 1 else None,
            reply_parameters=ReplyParameters(quoted.message_id, allow_sending_without_reply=True)
            if quoted is not None and position == 0
            else None,
        )


async def _send_file(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    kind: Literal["photo", "document"],
    path: Path,
    name: str,
    caption: str,
) -> None:
    """Upload a file to the update's chat as a photo or a document, with an HTML caption; in groups, as a reply."""
    chat = update.effective_chat
    assert chat is not None
    quoted = update.message if chat.type != chat.PRIVATE and update.message is not None else None
    replying = ReplyParameters(quoted.message_id, allow_sending_without_reply=True) if quoted is not None else None
    content = await asyncio.to_thread(path.read_bytes)
    if kind == "photo":
        await context.bot.send_photo(chat.id, content, caption=caption, reply_parameters=replying)
    else:
        await context.bot.send_document(chat.id, content, filename=name, caption=caption, reply_parameters=replying)


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> bool:
    """Whether the user is an admin; if not, refuse politely and log the attempt."""
    user = update.effective_user
    if user is not None and user.id in _state(context).settings.admins:
        return True
    log.warning("user %s tried %s but is not an admin", user.id if user else None, action)
    await _reply(update, context, render.html_messages(NOT_ADMIN))
    return False


async def _stoppable(context: ContextTypes.DEFAULT_TYPE, work: Coroutine[Any, Any, None]) -> None:
    """Run long work (a download, an ingest) that stopping the bot cancels instead of waiting for."""
    running = _state(context).work
    task = asyncio.ensure_future(work)
    running.add(task)
    task.add_done_callback(running.discard)
    try:
        await asyncio.wait({task})
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task.cancelled():
        log.warning("a download or ingest was stopped: the bot is stopping")
        return
    task.result()  # its error, if any, goes to the error handler


async def _download_and_ingest(
    update: Update, context: ContextTypes.DEFAULT_TYPE, file_id: str, name: str, replace: bool = False
) -> None:
    """Fetch an uploaded file into a temp folder and ingest it (`replace`: even a worse reading)."""
    with tempfile.TemporaryDirectory(prefix="reportbot-upload-") as folder:
        path = Path(folder) / name
        try:
            telegram_file = await context.bot.get_file(file_id)
            await telegram_file.download_to_drive(path)
        except TelegramError:
            log.warning("could not download the upload %r", name, exc_info=True)
            await _reply(update, context, render.html_messages(NO_DOWNLOAD))
            return
        problem = too_large(path.stat().st_size, _state(context).settings.max_upload_mb)
        if problem:  # Telegram did not tell the size beforehand
            await _reply(update, context, render.html_messages(problem))
            return
        offer = None if replace else ReplaceAnyway(file_id, name)
        await _ingest(update, context, [path], shown_from=Path(folder), replace=replace, offer=offer)


async def _ingest(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    paths: list[Path],
    shown_from: Path,
    replace: bool = False,
    offer: ReplaceAnyway | None = None,
) -> None:
    """Ingest in a child process, one ingest at a time, then reload; reply with the summary, warnings
    and findings, and the `offer` button when a worse reading was refused."""
    state = _state(context)
    summary = await _write_in_child(
        update, context, ingest_and_index, paths, state.engine.data_dir, state.settings.ingest_workers, replace=replace
    )
    if summary is None:
        return
    keyboard = None
    if offer is not None and any(o.worse_reading for o in summary.outcomes):
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("仍然替换", callback_data=offer)]])
    text = render.ingest_text(summary, f"{shown_from}{os.sep}", button=keyboard is not None)
    await _reply(update, context, render.html_messages(text), keyboard)


async def _write_in_child(
    update: Update, context: ContextTypes.DEFAULT_TYPE, write: Callable[..., IngestSummary], *args: Any, **kwargs: Any
) -> IngestSummary | None:
    """`write(*args, **kwargs)` (an ingest or a restore) in a child process, one writer at a time, then
    the engine reloaded; None, said to the user, when another is running."""
    state = _state(context)
    if state.ingest_lock.locked():
        await _reply(update, context, render.html_messages(BUSY))
        return None
    async with state.ingest_lock:
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        summary = await run_in_child(write, *args, **kwargs)
        if summary.stored:
            await asyncio.to_thread(state.engine.reload)  # questions are answered from the old reports meanwhile
    return summary


async def _restore(update: Update, context: ContextTypes.DEFAULT_TYPE, report: ReportRef) -> None:
    """Restore a report's earlier reading in a child process, one writer at a time, then reload."""
    try:
        summary = await _write_in_child(update, context, restore_and_index, _state(context).engine.data_dir, report.id)
    except NothingToRestore as error:
        log.info("nothing to restore for %s: %s", report.id, error)
        await _reply(update, context, render.html_messages(render.nothing_to_restore(report.label)))
        return
    if summary is None:
        return
    [outcome] = summary.outcomes
    text = render.restore_text(report.label, outcome.status == "restored", outcome.reason, summary.stopped)
    await _reply(update, context, render.html_messages(text))


def upload_problem(document: Document, max_upload_mb: int) -> str | None:
    """Why an uploaded document is refused (checked before download), or None when it may be ingested."""
    if document.file_size is not None and (problem := too_large(document.file_size, max_upload_mb)):
        return problem
    suffix = Path(document.file_name or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES and document.mime_type not in UPLOAD_TYPES:
        return "只能导入 PDF、HTML、DOCX 或 TXT 格式的报告文件。"
    return None


def too_large(size: int, max_upload_mb: int) -> str | None:
    """Why a file of `size` bytes is refused, or None when it is within the limit."""
    if size > max_upload_mb * 1024 * 1024:
        return f"文件太大（{size / 1024 / 1024:.1f} MB），超过 {max_upload_mb} MB 的上限，没有导入。"
    return None


def _safe_name(file_name: str | None) -> str:
    """An uploaded file's own name, made safe to use inside the temp folder."""
    name = re.sub(r"[\\/\x00]", "_", Path(file_name or "").name).lstrip(".")
    return name or "report"


class AddressedToBot(filters.MessageFilter):
    """A message that mentions this bot (@username or a text mention) or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        return any(_is_bot(entity, text, bot) for entity, text in _mentions(message).items())


def _mentions(message: Message) -> dict[MessageEntity, str]:
    return message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])


def _is_bot(entity: MessageEntity, text: str, bot: Bot) -> bool:
    if entity.type == MessageEntity.TEXT_MENTION:
        return entity.user is not None and entity.user.id == bot.id
    return text.lower() == f"@{bot.username}".lower()


def _without_mentions(message: Message, bot: Bot) -> str:
    """The message text without the mentions of this bot."""
    text = message.text or ""
    for entity, mention in _mentions(message).items():
        if _is_bot(entity, mention, bot):
            text = text.replace(mention, " ", 1)
    return text.strip()


# ------------------------------------------------------------------ running


def run_bot(settings: Settings) -> None:
    """Run the bot until SIGTERM or Ctrl-C: long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set.

    Raises BotError (with a message for the person starting it) when the bot cannot start."""
    logging.getLogger("bot").setLevel(logging.INFO)
    if not settings.telegram_token:
        raise BotConfigError(_NO_TOKEN)
    if settings.telegram_webhook_url and importlib.util.find_spec("tornado") is None:
        raise BotConfigError("webhook mode needs tornado: pip install 'python-telegram-bot[webhooks]'.")
    hide_token(settings.telegram_token)
    try:
        asyncio.run(check_token(settings))
        application = build_application(settings, Engine(settings.data_dir))
        if settings.telegram_webhook_url:
            application.run_webhook(**webhook_options(settings), allowed_updates=_UPDATES, bootstrap_retries=5)
        else:
            application.run_polling(allowed_updates=_UPDATES, bootstrap_retries=5)
    except InvalidToken:
        raise BotConfigError(_REJECTED) from None
    except NetworkError:  # still unreachable after the start-up retries
        raise BotApiUnreachable(f"cannot reach the Telegram Bot API at {settings.telegram_base_url}") from None


_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
_NO_TOKEN = "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token."
_REJECTED = "Telegram rejected the bot token (TELEGRAM_BOT_TOKEN): check it with @BotFather."


async def check_token(settings: Settings) -> None:
    """Ask the Bot API who the bot is; a rejected token raises BotConfigError (network trouble does not)."""
    assert settings.telegram_token
    bot = Bot(settings.telegram_token, base_url=settings.telegram_base_url, base_file_url=settings.telegram_file_url)
    try:
        async with bot:
            pass
    except InvalidToken:
        raise BotConfigError(_REJECTED) from None
    except NetworkError as error:  # start anyway: polling retries until the Bot API answers
        log.warning("could not reach the Bot API to check the token (%s); starting anyway", type(error).__name__)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """run_webhook's arguments: listen on the configured port, at the public URL's path, with a secret."""
    url = settings.telegram_webhook_url
    assert url
    return {
        "listen": "0.0.0.0",
        "port": settings.telegram_webhook_port,
        "url_path": urlsplit(url).path.strip("/"),
        "webhook_url": url,
        # Telegram sends it with every update and the webhook server refuses calls without it.
        "secret_token": settings.telegram_webhook_secret or secrets.token_urlsafe(32),
    }
