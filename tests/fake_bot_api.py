"""A fake Telegram Bot API server on 127.0.0.1 for tests: records every call (with the bytes of the
files sendPhoto and sendDocument upload as multipart), serves canned answers.

It speaks HTTP like the real one (POST /bot<token>/<method>, GET /file/bot<token>/<path>), so the
bot under test runs its real python-telegram-bot stack against it. Tests fill the update queue, tell
it to fail the next calls of a method (429 with retry_after, or 500), to act on a call but answer
late or never (as when Telegram's answer is lost), or to refuse connections for a while, and wait
for calls to arrive.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

BOT_ID = 7000001
BOT_USERNAME = "reportbot_test_bot"


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request (sendPhoto, sendDocument), as it arrived."""

    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class Call:
    method: str  # a Bot API method, or "download" for a file fetched from /file/bot<token>/
    params: dict[str, Any]
    result: Any = None  # what the fake answered (a sent message, for a button press to point at)
    at: float = field(default_factory=time.monotonic)
    files: dict[str, Upload] = field(default_factory=dict)  # multipart field name → the file uploaded


class FakeBotApi:
    """The Bot API double: start() it, point base_url/base_file_url at it, stop() it."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._failures: dict[str, list[tuple[int, int | None]]] = {}
        self._lost: dict[str, list[float | None]] = {}  # method -> answer delays (None: hang up)
        self._refusals: dict[str, list[float]] = {}  # method -> seconds to refuse connections after it
        self._files: dict[str, tuple[str, bytes | None]] = {}  # file_id -> (file_path, content)
        self._connections: set[socket.socket] = set()
        self._port = 0
        self._lock = threading.Condition()
        self._closing = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- lifecycle

    def start(self) -> FakeBotApi:
        self._server = _Server(("127.0.0.1", self._port), _handler(self))
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-bot-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        self._close()

    def _close(self) -> None:
        """Stop listening and hang up on every open connection."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _refuse(self, seconds: float) -> None:
        """Refuse connections for `seconds` (nothing listens on the port), then listen again on it."""
        self._close()
        timer = threading.Timer(seconds, self._reopen)
        timer.daemon = True
        timer.start()

    def _reopen(self) -> None:
        with self._lock:
            if self._closing:
                return
        self.start()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.root}/file/bot"

    # -------------------------------------------------------------- what tests set up

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._lock.notify_all()
            return update["update_id"]

    def fail_next(self, method: str, status: int, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` calls of `method` with `status` (429 carries retry_after)."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def lose_answer(self, method: str, after: float | None = None) -> None:
        """Act on the next call of `method` (a message is delivered), but answer it only `after`
        seconds later, or, with None, hang up without answering: what a sender sees as a timeout or a
        dropped connection after Telegram got the request."""
        with self._lock:
            self._lost.setdefault(method, []).append(after)

    def refuse_after(self, method: str, seconds: float) -> None:
        """Once the next call of `method` is answered, refuse every connection for `seconds`."""
        with self._lock:
            self._refusals.setdefault(method, []).append(seconds)

    def add_file(self, file_id: str, file_path: str, content: bytes | None) -> None:
        """A file getFile knows and /file/bot<token>/<file_path> serves (None: getFile knows it, the
        download is not found)."""
        with self._lock:
            self._files[file_id] = (file_path, content)

    # -------------------------------------------------------------- what tests read

    def calls_of(self, method: str, predicate: Callable[[dict[str, Any]], bool] | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (predicate is None or predicate(c.params))]

    def sent_to(self, chat_id: int) -> list[Call]:
        """Every successful sendMessage to the chat, in order."""
        return [c for c in self.calls_of("sendMessage", lambda p: p.get("chat_id") == chat_id) if c.result]

    def uploads_to(self, chat_id: int, method: str) -> list[Call]:
        """Every successful sendPhoto or sendDocument to the chat, in order."""
        return [c for c in self.calls_of(method, lambda p: p.get("chat_id") == chat_id) if c.result]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Call]:
        """Wait until `count` calls of `method` (matching `predicate`) have arrived."""

        async def poll() -> list[Call]:
            while len(found := self.calls_of(method, predicate)) < count:
                await asyncio.sleep(0.02)
            return found

        try:
            return await asyncio.wait_for(poll(), timeout)
        except TimeoutError:
            seen = [(c.method, c.params) for c in self.calls[-10:]]
            raise AssertionError(f"waited {timeout}s for {count}× {method}; last calls: {seen}") from None

    # -------------------------------------------------------------- answering

    def _record(self, method: str, params: dict[str, Any], files: dict[str, Upload] | None = None) -> Call:
        call = Call(method, params, files=files or {})
        with self._lock:
            self.calls.append(call)
        return call

    def _failure(self, method: str) -> tuple[int, int | None] | None:
        with self._lock:
            queued = self._failures.get(method)
            return queued.pop(0) if queued else None

    def _loss(self, method: str) -> tuple[bool, float | None]:
        with self._lock:
            queued = self._lost.get(method)
            return (True, queued.pop(0)) if queued else (False, None)

    def _refusal(self, method: str) -> float | None:
        with self._lock:
            queued = self._refusals.get(method)
            return queued.pop(0) if queued else None

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 5.0)
        deadline = time.monotonic() + wait
        with self._lock:
            while True:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or self._closing:
                    return list(self._updates)
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._lock.wait(left)

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        chat = {"id": chat_id, "type": "private" if isinstance(chat_id, int) and chat_id > 0 else "group"}
        message = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": bot_user(),
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _media(self, method: str, params: dict[str, Any], files: dict[str, Upload]) -> tuple[int, dict[str, Any]]:
        """sendPhoto or sendDocument: the message Telegram makes of the uploaded file (a file_id
        instead of an upload is taken too), or the 400 it gives without one."""
        field_name = "photo" if method == "sendPhoto" else "document"
        upload = files.get(field_name)
        if upload is None and not isinstance(params.get(field_name), str):
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: there is no {field_name} in the request"}
        message = self._message(params)
        message.pop("text")
        size = len(upload.content) if upload is not None else 0
        file = {"file_id": f"sent-{next(self._message_ids)}", "file_unique_id": f"us-{next(self._message_ids)}", "file_size": size}
        if method == "sendPhoto":
            message["photo"] = [{**file, "width": 1200, "height": 675}]
        else:
            message["document"] = {**file, "file_name": upload.filename if upload else None}
        if params.get("caption"):
            message["caption"] = params["caption"]
        return 200, _ok(message)

    def result(self, method: str, params: dict[str, Any], files: dict[str, Upload] | None = None) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for one Bot API call."""
        if method in ("sendPhoto", "sendDocument"):
            return self._media(method, params, files or {})
        if method == "getMe":
            return 200, _ok(bot_user())
        if method in ("deleteWebhook", "setWebhook", "setMyCommands", "answerCallbackQuery", "sendChatAction"):
            return 200, _ok(True)
        if method == "getUpdates":
            return 200, _ok(self._get_updates(params))
        if method == "sendMessage":
            return 200, _ok(self._message(params))
        if method == "editMessageText":
            return 200, _ok(self._message(params, int(params.get("message_id") or 0) or None))
        if method == "getFile":
            with self._lock:
                known = self._files.get(params.get("file_id", ""))
            if known is None:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            path, content = known
            return 200, _ok({"file_id": params["file_id"], "file_unique_id": f"u{params['file_id']}",
                             "file_size": len(content or b""), "file_path": path})
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def download(self, file_path: str) -> bytes | None:
        """A known file's content, or None."""
        with self._lock:
            for path, content in self._files.values():
                if path == file_path:
                    return content
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the bot opens up to 64 connections at once; many bots in a soak

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a cancelled long poll, a timeout) is not an error worth printing."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _decode(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Form fields (PTB sends every non-string value as JSON text), a JSON body, or a multipart
    upload: its fields and its files."""
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        return json.loads(body), {}
    if content_type.startswith("multipart/form-data"):
        return _multipart(body, content_type)
    return {key: _value(value) for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True)}, {}


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    """A multipart/form-data body: fields with a filename are files, the others values."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if boundary is None:
        raise ValueError(f"a multipart body without a boundary: {content_type}")
    params: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    for part in body.split(b"--" + boundary.group(1).encode())[1:]:
        if part.startswith(b"--"):  # the closing boundary
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = head.decode("utf-8")
        name = re.search(r'[\s;]name="([^"]*)"', headers)
        if name is None:
            continue
        filename = re.search(r'filename="([^"]*)"', headers) or re.search(r"filename\*=utf-8''([^;\s]+)", headers, re.I)
        if filename is None:
            params[name.group(1)] = _value(content.decode("utf-8"))
            continue
        kind = re.search(r"content-type:\s*([^\r\n]+)", headers, re.I)
        files[name.group(1)] = Upload(unquote(filename.group(1)), kind.group(1).strip() if kind else None, content)
    return params, files


def _handler(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # the path holds the token
            pass

        def setup(self) -> None:
            super().setup()
            with api._lock:
                api._connections.add(self.connection)

        def finish(self) -> None:
            with api._lock:
                api._connections.discard(self.connection)
            try:
                super().finish()
            except OSError:  # the connection was hung up on
                pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            prefix = f"/bot{api.token}/"
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(prefix):
                self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            method = path[len(prefix):]
            params, files = _decode(body, self.headers.get("Content-Type", ""))
            call = api._record(method, params, files)
            self._answer(method, params, call)
            refuse = api._refusal(method)
            if refuse is not None:
                self.close_connection = True
                api._refuse(refuse)

        def _answer(self, method: str, params: dict[str, Any], call: Call) -> None:
            failure = api._failure(method)
            if failure is not None:
                status, retry_after = failure
                answer: dict[str, Any] = {"ok": False, "error_code": status, "description": f"fake failure {status}"}
                if retry_after is not None:
                    answer["description"] = f"Too Many Requests: retry after {retry_after}"
                    answer["parameters"] = {"retry_after": retry_after}
                self._send(status, answer)
                return
            status, answer = api.result(method, params, call.files)
            call.result = answer.get("result")
            lost, after = api._loss(method)
            if lost and after is None:
                self._hang_up()
                return
            if lost:
                time.sleep(after)
            self._send(status, answer)

        def _hang_up(self) -> None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

        def do_GET(self) -> None:
            prefix = f"/file/bot{api.token}/"
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(prefix):
                self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            file_path = path[len(prefix):]
            api._record("download", {"file_path": file_path, "requested": self.path})
            content = api.download(file_path)
            if content is None:  # as many servers do, the error names the path asked for
                self._send(404, {"ok": False, "error_code": 404, "description": f"Not Found: {self.path}"})
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def _send(self, status: int, answer: dict[str, Any]) -> None:
            body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

    return Handler


# ------------------------------------------------------------------ updates as Telegram sends them


def bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "年报助手", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}", "language_code": "zh-hans"}


_message_ids = itertools.count(1)


def message(
    user_id: int,
    text: str | None = None,
    *,
    chat_id: int | None = None,
    chat_type: str = "private",
    entities: list[dict[str, Any]] | None = None,
    reply_to: dict[str, Any] | None = None,
    document: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A `message` update from a user; commands get their bot_command entity as Telegram adds it."""
    chat_id = user_id if chat_id is None else chat_id
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = f"用户{user_id}"
    else:
        chat["title"] = "测试群"
    body: dict[str, Any] = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat, "from": user(user_id)}
    if text is not None:
        body["text"] = text
        entities = list(entities or [])
        if text.startswith("/"):
            command = text.split()[0]
            entities.insert(0, {"type": "bot_command", "offset": 0, "length": _utf16(command)})
        if entities:
            body["entities"] = entities
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    if document is not None:
        body["document"] = document
    return {"message": body}


def mention(text: str, name: str = f"@{BOT_USERNAME}") -> list[dict[str, Any]]:
    """The mention entity Telegram adds for `name` inside `text`."""
    start = text.index(name)
    return [{"type": "mention", "offset": _utf16(text[:start]), "length": _utf16(name)}]


def button_press(user_id: int, data: str, pressed_on: dict[str, Any]) -> dict[str, Any]:
    """A `callback_query` update: the user pressed a button with `data` under a bot message."""
    return {"callback_query": {"id": f"cq{next(_message_ids)}", "from": user(user_id), "chat_instance": "ci",
                               "data": data, "message": pressed_on}}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
