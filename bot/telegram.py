"""The Telegram front end: handlers that pass questions to the Engine and send its Answers back.

`build_application` registers every handler; `run_bot` runs it (polling, or a webhook when
configured). Handlers only format Answers: what an answer says is decided in bot/answer.py.
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
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

import click
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
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import render
from bot.answer import Answer, Engine
from config import Settings
from index.passages import ingest_and_index
from ingest.run import IngestSummary

log = logging.getLogger(__name__)

SORRY = "抱歉，处理您的消息时出了点问题，请稍后再试。"
TOO_FAST = "您提问太快了，请稍等一会儿再问。"
NOT_ADMIN = "抱歉，只有管理员可以导入报告或查看统计。"
EXPIRED = "这个按钮已过期，请重新提问。"
ASK_USAGE = "用法：/ask 问题，例如：/ask {example}"
FIGURE_USAGE = "用法：/figure 单位 [年份] 项目，例如：/figure 城中区 2020 行政处罚（不写年份时列出历年的数字）。"
UPLOAD_SUFFIXES = {".pdf", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".txt", ".text"}
UPLOAD_TYPES = {
    "application/pdf",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class BotConfigError(Exception):
    """The bot cannot start as configured (no token, or one Telegram refuses)."""


# ------------------------------------------------------------------ state kept in bot_data


@dataclass
class RateLimit:
    """At most `count` questions per user in any `seconds`."""

    count: int = 20
    seconds: float = 60.0
    _asked: dict[int, deque[float]] = field(default_factory=dict, repr=False)

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Count a question from the user; False when it is one too many."""
        now = time.monotonic() if now is None else now
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - self.seconds:
            asked.popleft()
        if len(asked) >= self.count:
            return False
        asked.append(now)
        if len(self._asked) > 10_000:  # forget users who have been quiet for a whole window
            self._asked = {u: a for u, a in self._asked.items() if a and a[-1] > now - self.seconds}
        return True


class Recent:
    """The last `size` values stored, each under a small integer (what a button refers back to)."""

    def __init__(self, size: int = 2000):
        self.size = size
        self._items: OrderedDict[int, Any] = OrderedDict()
        self._next = 0

    def put(self, value: Any) -> int:
        key, self._next = self._next, self._next + 1
        self._items[key] = value
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return key

    def get(self, key: int) -> Any | None:
        return self._items.get(key)


@dataclass
class BotState:
    """What the handlers share, kept in bot_data["state"]."""

    engine: Engine
    settings: Settings
    rate_limit: RateLimit
    pending: Recent = field(default_factory=Recent)  # questions behind clarify and next buttons
    answered: int = 0
    answer_ms: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    ingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.bot_data["state"]


# ------------------------------------------------------------------ the application


def build_application(settings: Settings, engine: Engine, rate_limit: RateLimit | None = None) -> Application:
    """The bot with every handler registered, its Bot API URLs, timeouts, retries and flood limits."""
    token = settings.telegram_token
    if not token:
        raise BotConfigError("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token.")
    hide_token(token)  # before the Bot exists: it logs its API URL, which holds the token
    application = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_file_url)
        .request(RetryingRequest(connection_pool_size=64, connect_timeout=10, read_timeout=20, write_timeout=20,
                                 pool_timeout=10, media_write_timeout=60))
        .get_updates_request(HTTPXRequest(connect_timeout=10, read_timeout=10, pool_timeout=10))
        .rate_limiter(AIORateLimiter(max_retries=3))  # waits out a 429's retry_after, then retries
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(True)
        .post_init(set_commands)
        .build()
    )
    application.bot_data["state"] = BotState(engine, settings, rate_limit or RateLimit())

    in_groups = filters.ChatType.GROUPS & AddressedToBot()
    questions = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", show_help))
    application.add_handler(CommandHandler("ask", ask))
    application.add_handler(CommandHandler("reports", reports))
    application.add_handler(CommandHandler("figure", figure))
    application.add_handler(CommandHandler("reingest", reingest))
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command))
    application.add_handler(MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, upload))
    application.add_handler(MessageHandler(questions & (filters.ChatType.PRIVATE | in_groups), question))
    application.add_handler(CallbackQueryHandler(choose_report, pattern=r"^c:\d+:\d+$"))
    application.add_handler(CallbackQueryHandler(next_passage, pattern=r"^n:\d+:\d+$"))
    application.add_error_handler(report_error)
    return application


async def set_commands(application: Application) -> None:
    """Publish the command menu; admins also see /reingest and /stats in their own chats."""
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
        await _reply(update, context, render.html_messages(ASK_USAGE.format(example=example)))
        return
    await _answer(update, context, text)


async def figure(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /figure BODY [YEAR] ITEM with the question it stands for."""
    text = figure_question(context.args or [])
    if text is None:
        await _reply(update, context, render.html_messages(FIGURE_USAGE))
        return
    await _answer(update, context, text)


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
    await _reply(update, context, render.html_messages("我不认识这个命令。发送 /help 查看可用的命令，或直接提问。"))


async def choose_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the original question for the report a clarify button names."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, key, position = query.data.split(":")
    pending = _state(context).pending.get(int(key))
    report_ids = pending["reports"] if pending else []
    chosen = report_ids[int(position)] if int(position) < len(report_ids) else None
    await query.answer(None if chosen else EXPIRED)
    if chosen:
        await _answer(update, context, pending["question"], report_id=chosen)


async def next_passage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the next passage of a passage answer."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, key, position = query.data.split(":")
    state = _state(context)
    pending = state.pending.get(int(key))
    more = pending["more"] if pending else []
    index = int(position)
    await query.answer(None if index < len(more) else EXPIRED)
    if index >= len(more) or not await _within_limit(update, context):
        return
    passage = more[index]
    answer = await _timed(
        state, state.engine.passage_answer, pending["question"], passage["report_id"], passage["ordinal"]
    )
    keyboard = _next_keyboard(int(key), index + 1) if index + 1 < len(more) and answer.kind == "passage" else None
    await _reply(update, context, render.answer_messages(answer), keyboard)


async def reingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-ingest the configured corpus folder (admins only)."""
    state = _state(context)
    if not await _admin(update, context, "/reingest"):
        return
    corpus = state.settings.corpus_dir
    if corpus is None or not corpus.is_dir():
        await _reply(update, context, render.html_messages("没有配置报告文件夹（REPORTBOT_CORPUS），或该文件夹不存在。"))
        return
    await _ingest(update, context, [corpus], shown_from=corpus)


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
    with tempfile.TemporaryDirectory(prefix="reportbot-upload-") as folder:
        path = Path(folder) / _safe_name(document)
        telegram_file = await document.get_file()
        await telegram_file.download_to_drive(path)
        problem = upload_problem(document, _state(context).settings.max_upload_mb, path.stat().st_size)
        if problem:  # Telegram did not tell the size beforehand
            await _reply(update, context, render.html_messages(problem))
            return
        await _ingest(update, context, [path], shown_from=Path(folder))


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
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, render.html_messages(SORRY)[0])
        except TelegramError as error:
            log.warning("could not tell chat %s about the error: %s", update.effective_chat.id, error)


# ------------------------------------------------------------------ helpers


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, report_id: str | None = None) -> None:
    """Answer a question off the event loop (rate-limited) and send it with its buttons."""
    state = _state(context)
    if not await _within_limit(update, context):
        return
    answer = await _timed(state, state.engine.answer, text, report_id)
    await _reply(update, context, render.answer_messages(answer), _keyboard(state, answer))


async def _timed(state: BotState, function: Callable[..., Answer], *args: Any) -> Answer:
    """Run the Engine in a thread, counting the answer and its time for /stats."""
    started = time.perf_counter()
    answer = await asyncio.to_thread(function, *args)
    state.answer_ms.append((time.perf_counter() - started) * 1000)
    state.answered += 1
    return answer


async def _within_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the user may ask now; if not, say so politely."""
    user = update.effective_user
    if user is None or _state(context).rate_limit.allow(user.id):
        return True
    await _reply(update, context, render.html_messages(TOO_FAST))
    return False


def _keyboard(state: BotState, answer: Answer) -> InlineKeyboardMarkup | None:
    """A clarify answer's report buttons, or a passage answer's "next" button."""
    if answer.kind == "clarify" and answer.candidates:
        # Callback data is limited to 64 bytes: buttons carry a key and a position, not the question.
        key = state.pending.put({"question": answer.question, "reports": [c["id"] for c in answer.candidates]})
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(render.candidate_label(c), callback_data=f"c:{key}:{i}")]
             for i, c in enumerate(answer.candidates)]
        )
    if answer.kind == "passage" and answer.more:
        return _next_keyboard(state.pending.put({"question": answer.question, "more": answer.more}), 0)
    return None


def _next_keyboard(key: int, index: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("下一条", callback_data=f"n:{key}:{index}")]])


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


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> bool:
    """Whether the user is an admin; if not, refuse politely and log the attempt."""
    user = update.effective_user
    if user is not None and user.id in _state(context).settings.admins:
        return True
    log.warning("user %s tried %s but is not an admin", user.id if user else None, action)
    await _reply(update, context, render.html_messages(NOT_ADMIN))
    return False


async def _ingest(update: Update, context: ContextTypes.DEFAULT_TYPE, paths: list[Path], shown_from: Path) -> None:
    """Ingest files in a thread, one ingest at a time, and reply with the summary and warnings."""
    state = _state(context)
    if state.ingest_lock.locked():
        await _reply(update, context, render.html_messages("另一个导入正在进行，请稍后再试。"))
        return
    async with state.ingest_lock:
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        summary = await asyncio.to_thread(ingest_and_reload, state.engine, paths, state.settings.ingest_workers)
    prefix = f"{shown_from}{os.sep}"
    outcomes = [(o.line().replace(prefix, ""), o.warnings) for o in summary.outcomes]
    await _reply(update, context, render.html_messages(render.ingest_text(summary.line(), outcomes)))


def ingest_and_reload(engine: Engine, paths: list[Path], workers: int = 0) -> IngestSummary:
    """Ingest, rebuild the index, then have the Engine read it (blocking; questions go on meanwhile)."""
    summary = ingest_and_index(paths, engine.data_dir, workers)
    if summary.count("ingested") or summary.count("replaced"):
        engine.reload()  # the new catalog and index are swapped in only now, after success
    return summary


def upload_problem(document: Document, max_upload_mb: int, size: int | None = None) -> str | None:
    """Why an uploaded document is refused (checked before download), or None when it may be ingested."""
    size = document.file_size if size is None else size
    if size is not None and size > max_upload_mb * 1024 * 1024:
        size_mb = size / 1024 / 1024
        return f"文件太大（{size_mb:.1f} MB），超过 {max_upload_mb} MB 的上限，没有导入。"
    suffix = Path(document.file_name or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES and document.mime_type not in UPLOAD_TYPES:
        return "只能导入 PDF、HTML、DOCX 或 TXT 格式的报告文件。"
    return None


def _safe_name(document: Document) -> str:
    """The uploaded file's own name, made safe to use inside the temp folder."""
    name = re.sub(r"[\\/\x00]", "_", Path(document.file_name or "").name).lstrip(".")
    return name or "report"


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


# ------------------------------------------------------------------ HTTP and logs


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries network errors and Bot API 5xx answers, with bounded exponential backoff."""

    def __init__(self, *args: Any, retries: int = 3, backoff: float = 0.5, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.retries = retries
        self.backoff = backoff

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # never the whole URL: it holds the token
        for attempt in range(self.retries + 1):
            delay = self.backoff * 2**attempt
            try:
                code, payload = await super().do_request(url, method, *args, **kwargs)
            except NetworkError as error:  # connection failures and timeouts (HTTPXRequest raises these)
                if attempt == self.retries:
                    raise
                log.warning("Bot API %s failed (%s); retrying in %.1f s", endpoint, type(error).__name__, delay)
            else:
                if code < 500 or attempt == self.retries:
                    return code, payload
                log.warning("Bot API %s answered %s; retrying in %.1f s", endpoint, code, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")


class _HideToken(logging.Filter):
    """Replaces the bot token in log records: python-telegram-bot logs its API URL, token included."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed log call: leave it to the handler to report
            return True
        # Format now: PTB logs some dicts it fills in with file URLs (the token) only afterwards.
        record.msg, record.args = message.replace(self.token, "<token>"), None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            if self.token in text:
                record.exc_text = text.replace(self.token, "<token>")
        return True


def hide_token(token: str) -> None:
    """Keep the token out of every log: httpx turned down, and the token masked in library loggers."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs each URL at INFO
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] not in ("telegram", "httpx", "httpcore", "bot"):
            continue
        logger = logging.getLogger(name)
        if not any(isinstance(f, _HideToken) and f.token == token for f in logger.filters):
            logger.addFilter(_HideToken(token))


# ------------------------------------------------------------------ running


def run_bot(settings: Settings) -> None:
    """Run the bot until SIGTERM or Ctrl-C: long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set."""
    logging.getLogger("bot").setLevel(logging.INFO)
    if not settings.telegram_token:
        raise click.ClickException("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token.")
    if settings.telegram_webhook_url and importlib.util.find_spec("tornado") is None:
        raise click.ClickException("webhook mode needs tornado: pip install 'python-telegram-bot[webhooks]'.")
    hide_token(settings.telegram_token)
    try:
        asyncio.run(check_token(settings))
        application = build_application(settings, Engine(settings.data_dir))
        if settings.telegram_webhook_url:
            application.run_webhook(**webhook_options(settings), allowed_updates=_UPDATES, bootstrap_retries=5)
        else:
            application.run_polling(allowed_updates=_UPDATES, bootstrap_retries=5)
    except (BotConfigError, InvalidToken) as error:
        raise click.ClickException(str(error) if isinstance(error, BotConfigError) else _REJECTED) from None
    except NetworkError:  # still unreachable after the start-up retries
        raise click.ClickException(f"cannot reach the Telegram Bot API at {settings.telegram_base_url}") from None


_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
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
