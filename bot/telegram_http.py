"""Talking to the Bot API safely: requests that never send a message twice, logs that never hold the token."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Callable
from urllib.parse import quote

import httpx
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

# Methods whose repetition changes nothing a user sees: retried even when Telegram may have acted.
REPEATABLE = frozenset({
    "getMe", "getUpdates", "getFile", "getWebhookInfo", "setMyCommands", "deleteMyCommands",
    "setWebhook", "deleteWebhook", "answerCallbackQuery", "sendChatAction",
})
# httpx failures that happen before a request leaves: no connection, no free slot in the pool.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest with bounded exponential backoff that never sends a message twice.

    A repeatable method (and every download) is retried after network errors and 5xx answers;
    one that sends something only when the request surely never reached Telegram. A timeout or
    a 5xx after sending is not retried: Telegram may have delivered the message already.
    (429s are the rate limiter's: it waits out retry_after and sends again.)
    """

    def __init__(self, *args: Any, retries: int = 3, backoff: float = 0.5, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.retries = retries
        self.backoff = backoff

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # never the whole URL: it holds the token
        repeatable = method == "GET" or endpoint in REPEATABLE
        for attempt in range(self.retries + 1):
            delay = self.backoff * 2**attempt
            try:
                code, payload = await super().do_request(url, method, *args, **kwargs)
            except NetworkError as error:  # connection failures and timeouts (HTTPXRequest raises these)
                cause = type(error.__cause__).__name__ if error.__cause__ else type(error).__name__
                if not repeatable and not isinstance(error.__cause__, _NOT_SENT):
                    log.warning("Bot API %s failed after sending (%s); not retried, so nothing is sent twice",
                                endpoint, cause)
                    raise
                if attempt == self.retries:
                    raise
                log.warning("Bot API %s failed (%s); retrying in %.1f s", endpoint, cause, delay)
            else:
                if code < 500 or attempt == self.retries:
                    return code, payload
                if not repeatable:
                    log.warning("Bot API %s answered %s; not retried: Telegram may have acted on it", endpoint, code)
                    return code, payload
                log.warning("Bot API %s answered %s; retrying in %.1f s", endpoint, code, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")


_secrets: dict[str, re.Pattern[str]] = {}  # token -> every form of it that may reach a log


def hide_token(token: str) -> None:
    """Keep the token out of every log, in every form (raw, URL-encoded): httpx turned down, and
    every log record masked as it is made, whichever logger or library makes it."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs each URL at INFO
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if token not in _secrets:
        _secrets[token] = _token_forms(token)
    if not isinstance(logging.getLogRecordFactory(), _MaskingFactory):
        logging.setLogRecordFactory(_MaskingFactory(logging.getLogRecordFactory()))


def _token_forms(token: str) -> re.Pattern[str]:
    """The token as written and percent-encoded (once or twice); its secret part on its own too, as
    any encoding of the colon leaves it whole."""
    _, _, secret = token.partition(":")
    forms = {token, quote(token, safe=""), quote(quote(token, safe=""), safe="")}
    if len(secret) >= 8:
        forms |= {secret, quote(secret, safe="")}
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)), re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """`text` with every form of every token hidden."""
    for pattern in _secrets.values():
        text = pattern.sub("<token>", text)
    return text


class _MaskingFactory:
    """A log record factory that masks the token in the message, its arguments and its traceback."""

    def __init__(self, base: Callable[..., logging.LogRecord]):
        self.base = base

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.base(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed log call: leave it to the handler to report
            return record
        # Format now: PTB logs some dicts it fills in with file URLs (the token) only afterwards.
        record.msg, record.args = mask_secrets(message), None
        if record.exc_info and record.exc_info[0] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            masked = mask_secrets(text)
            if masked != text:
                record.exc_text = masked
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info)
        return record
