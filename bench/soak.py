"""`make soak`: the bot (`reportbot serve`, its own process) against the fake Bot API, with many
users asking for a few minutes while an admin uploads report files.

    python -m bench.soak [--seconds 180] [--users 200] [--upload-every 15]
    SOAK_SECONDS=20 make soak     # a quick run

Each simulated user sends an update (a question, a command, or a press on a button of the bot's
last reply), waits for the reply, thinks for a few seconds and goes on, at a pace under the
per-user limit. Every ~15 s the admin uploads a synthetic report (HTML, text or PDF). Now and
then Telegram answers a sendMessage with a 429. It prints the updates sent, answers sent, errors,
the reply time (update queued → answer received at the fake server) at p50/p99, the bot's peak
memory, and checks that every update got its reply exactly once. It is a script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen import generate_corpus, render_html, render_pdf, render_text
from index.passages import ingest_and_index
from tests.fake_bot_api import FakeBotApi, Upload, button_press, message
from tests.processes import descendants

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "liuzhou-chengzhong-2020.txt"
TOKEN = "424242424:AAsoak-token_never_logged_0123456789"
ADMIN = 1
FIRST_USER = 100_000
REPLY_WAIT = 30.0  # seconds a user waits for a reply before counting it as unanswered
SORRY_MARK = "出了点问题"
TOO_FAST_MARK = "太快"


@dataclass
class Sent:
    """One update a user sent and what came back for it."""

    user: int
    kind: str
    at: float
    replies: list[float] = field(default_factory=list)  # arrival times of sendMessage to the chat
    texts: list[str] = field(default_factory=list)
    press: str | None = None  # a button press's callback query id


class ObservedBotApi(FakeBotApi):
    """The fake Bot API, telling the soak each message it delivers, as it delivers it."""

    def __init__(self, token: str, loop: asyncio.AbstractEventLoop):
        super().__init__(token)
        self.loop = loop
        self.inbox: dict[int, asyncio.Queue[tuple[float, dict[str, Any]]]] = defaultdict(asyncio.Queue)
        self.answered_presses: Counter[str] = Counter()
        self.http_answers: Counter[int] = Counter()

    def result(
        self, method: str, params: dict[str, Any], files: dict[str, Upload] | None = None
    ) -> tuple[int, dict[str, Any]]:
        status, answer = super().result(method, params, files)
        now = time.monotonic()
        if method == "sendMessage" and status == 200:
            chat = int(params["chat_id"])
            self.loop.call_soon_threadsafe(self.inbox[chat].put_nowait, (now, params))
        elif method == "answerCallbackQuery":
            self.answered_presses[str(params.get("callback_query_id"))] += 1
        return status, answer


def questions_for(bodies: list[tuple[str, int]]) -> dict[str, list[str]]:
    """Updates a citizen may send about the bodies held, by kind (each kind asked as often)."""
    asked: dict[str, list[str]] = {
        "command": ["/help", "/reports", "/start", "/figure 城中区 2020 行政处罚", "/figure 城中区 行政处罚"],
        "clarify": [f"{year}年行政处罚有多少" for year in sorted({y for _, y in bodies} | {2020})],
        "figure": ["城中区2020年行政处罚有多少"],
        "passage": ["城中区政府信息公开查阅点在哪里"],
        "none": [],
    }
    for body, year in bodies:
        asked["figure"] += [f"{body}{year}年收到多少政府信息公开申请？", f"{body}{year}年行政复议有多少"]
        asked["passage"].append(f"{body}存在的主要问题是什么")
        asked["none"].append(f"{body}{year}年的天气怎么样")
    return asked


async def user(api: ObservedBotApi, user_id: int, asked: dict[str, list[str]], until: float,
               think: tuple[float, float], log: list[Sent], rng: random.Random) -> None:
    """One citizen: ask, wait for the reply, sometimes press its button, think, again."""
    inbox = api.inbox[user_id]
    await asyncio.sleep(rng.uniform(0, think[1]))  # users arrive spread out
    keyboard: list[Any] = []
    last_reply: dict[str, Any] | None = None
    while time.monotonic() < until:
        if keyboard and last_reply is not None and rng.random() < 0.5:
            pressed_on = {"message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"},
                          "text": last_reply["text"]}
            update = button_press(user_id, rng.choice(keyboard)["callback_data"], pressed_on)
            sent = Sent(user_id, "button", time.monotonic(), press=update["callback_query"]["id"])
            api.push(update)
        else:
            kind = rng.choice(sorted(asked))
            text = rng.choice(asked[kind])
            sent = Sent(user_id, kind, time.monotonic())
            api.push(message(user_id, text))
        log.append(sent)
        keyboard, last_reply = [], None
        try:
            at, params = await asyncio.wait_for(inbox.get(), REPLY_WAIT)
        except TimeoutError:
            continue
        sent.replies.append(at)
        sent.texts.append(params.get("text", ""))
        markup = params.get("reply_markup") or {}
        keyboard = [b for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b]
        last_reply = params
        await asyncio.sleep(rng.uniform(*think))
        while not inbox.empty():  # anything more for the same update arrived while thinking
            at, params = inbox.get_nowait()
            sent.replies.append(at)
            sent.texts.append(params.get("text", ""))


def upload_files(folder: Path, count: int) -> list[Path]:
    """Synthetic reports to upload, as HTML, text and now and then PDF."""
    files = []
    for n, report in enumerate(generate_corpus(count, seed=4242)):
        stem = folder / f"upload-{n:03d}"
        if n % 4 == 3:
            render_pdf(report, stem.with_suffix(".pdf"))
            files.append(stem.with_suffix(".pdf"))
        elif n % 2:
            stem.with_suffix(".html").write_text(render_html(report), "utf-8")
            files.append(stem.with_suffix(".html"))
        else:
            stem.with_suffix(".txt").write_text(render_text(report), "utf-8")
            files.append(stem.with_suffix(".txt"))
    return files


async def admin(api: ObservedBotApi, files: list[Path], until: float, every: float, log: list[Sent]) -> None:
    """The admin uploads one file every `every` seconds and waits for each ingest's summary."""
    inbox = api.inbox[ADMIN]
    for n, path in enumerate(files):
        await asyncio.sleep(every)
        if time.monotonic() >= until:
            return
        content = path.read_bytes()
        api.add_file(f"U{n}", f"documents/{path.name}", content)
        sent = Sent(ADMIN, "upload", time.monotonic())
        log.append(sent)
        api.push(message(ADMIN, document={"file_id": f"U{n}", "file_unique_id": f"uu{n}", "file_name": path.name,
                                          "file_size": len(content)}))
        try:
            at, params = await asyncio.wait_for(inbox.get(), 120)
        except TimeoutError:
            continue
        sent.replies.append(at)
        sent.texts.append(params.get("text", ""))


async def faults(api: ObservedBotApi, until: float, every: float) -> list[float]:
    """Now and then a 429 to a sendMessage, as Telegram gives when flooded; returns when."""
    injected = []
    while time.monotonic() + every < until:
        await asyncio.sleep(every)
        api.fail_next("sendMessage", 429, retry_after=1)
        injected.append(time.monotonic())
    return injected


def rss_kb(pid: int) -> tuple[int, int]:
    """A process's resident memory now and at its peak (VmRSS, VmHWM), in kB."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value.split()[0] if value.split() else "0"
    except OSError:
        return 0, 0
    return int(fields.get("VmRSS", 0)), int(fields.get("VmHWM", 0))


async def watch_memory(pid: int, until: float, peaks: dict[str, int]) -> None:
    """Sample the bot's and its children's (fork server, ingests) memory every second."""
    while time.monotonic() < until:
        peaks["bot"] = max(peaks.get("bot", 0), rss_kb(pid)[1])
        children = sum(rss_kb(child)[0] for child in descendants(pid))
        peaks["children"] = max(peaks.get("children", 0), children)
        await asyncio.sleep(1.0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def soak(seconds: float, users: int, upload_every: float, think: tuple[float, float], seed: int) -> int:
    loop = asyncio.get_running_loop()
    work = Path(tempfile.mkdtemp(prefix="reportbot-soak-"))
    api = ObservedBotApi(TOKEN, loop).start()
    bot: subprocess.Popen[str] | None = None
    try:
        print(f"soak: preparing a data dir in {work} ...", flush=True)
        data, uploads = work / "data", work / "uploads"
        uploads.mkdir()
        initial = list(generate_corpus(12, seed=seed))
        for n, report in enumerate(initial):
            (uploads / f"initial-{n:02d}.txt").write_text(render_text(report), "utf-8")
        ingest_and_index([SAMPLE, *sorted(uploads.glob("initial-*.txt"))], data, 0)
        files = upload_files(uploads, max(1, int(seconds / upload_every) + 1))
        asked = questions_for([(r.body, r.year) for r in initial])

        errors_log = (work / "bot.log").open("w")
        environment = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
                       "TELEGRAM_API_FILE_URL": api.file_url, "REPORTBOT_ADMINS": str(ADMIN),
                       "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        bot = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--data", str(data)], env=environment,
                               stdout=errors_log, stderr=errors_log, text=True, cwd=ROOT)
        started = time.monotonic()
        api.push(message(ADMIN, "/stats"))
        await asyncio.wait_for(api.inbox[ADMIN].get(), 60)
        print(f"soak: the bot answers after {time.monotonic() - started:.1f} s; {users} users for {seconds:.0f} s, "
              f"an upload every {upload_every:.0f} s", flush=True)

        until = time.monotonic() + seconds
        log: list[Sent] = []
        peaks: dict[str, int] = {}
        rng = random.Random(seed)
        tasks = [user(api, FIRST_USER + n, asked, until, think, log, random.Random(rng.random()))
                 for n in range(users)]
        results = await asyncio.gather(admin(api, files, until, upload_every, log), faults(api, until, 30.0),
                                       watch_memory(bot.pid, until + 5, peaks), *tasks)
        injected = results[1]
        await asyncio.sleep(3)  # late duplicates would arrive now
        for sent in log:
            inbox = api.inbox[sent.user]
            while not inbox.empty():
                at, params = inbox.get_nowait()
                sent.replies.append(at)
                sent.texts.append(params.get("text", ""))

        signalled = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        exit_code = bot.wait(30)
        stopped_in = time.monotonic() - signalled
        errors_log.close()
        bot_log = (work / "bot.log").read_text("utf-8", "replace")
        return print_figures(log, api, injected, peaks, stopped_in, exit_code, bot_log)
    finally:
        if bot is not None and bot.poll() is None:
            bot.kill()
        api.stop()
        shutil.rmtree(work, ignore_errors=True)


def print_figures(log: list[Sent], api: ObservedBotApi, injected: list[float], peaks: dict[str, int], stopped_in: float,
           exit_code: int, bot_log: str) -> int:
    """Print the figures; the exit status is 1 when a reply was missing, doubled or an apology."""
    citizens = [s for s in log if s.kind != "upload"]
    uploads = [s for s in log if s.kind == "upload"]
    answered = [s for s in citizens if s.replies]
    unanswered = [s for s in citizens if not s.replies]
    doubled = [s for s in citizens if len(set(s.texts)) < len(s.texts)]  # the same message twice
    sorry = [s for s in log if any(SORRY_MARK in t for t in s.texts)]
    too_fast = [s for s in log if any(TOO_FAST_MARK in t for t in s.texts)]
    ingested = [s for s in uploads if s.texts and "ingested" in s.texts[0]]
    waits = [(s.replies[0] - s.at) * 1000 for s in answered]
    # A 429 holds every request for retry_after + 0.1 s; an ingest runs from an upload to its summary.
    paused = [(t, t + 1.5) for t in injected]
    ingesting = [(s.at, s.replies[0]) for s in uploads if s.replies]
    during = {id(s) for s in answered if _overlaps(s, ingesting)}
    clear = [(s.replies[0] - s.at) * 1000 for s in answered if not _overlaps(s, paused)]
    while_ingesting = [(s.replies[0] - s.at) * 1000 for s in answered if id(s) in during and not _overlaps(s, paused)]
    otherwise = [(s.replies[0] - s.at) * 1000 for s in answered if id(s) not in during and not _overlaps(s, paused)]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for s in answered:
        by_kind[s.kind].append((s.replies[0] - s.at) * 1000)
    log_errors = sum(1 for line in bot_log.splitlines() if line.startswith(("ERROR", "CRITICAL")))
    answers_sent = sum(len(s.replies) for s in log)
    presses = [s for s in citizens if s.kind == "button"]
    unanswered_presses = sum(1 for s in presses if api.answered_presses[s.press or ""] != 1)

    print()
    print(f"updates sent       {len(log)} ({len(citizens)} from {len({s.user for s in citizens})} users, "
          f"{len(presses)} of them button presses; {len(uploads)} uploads)")
    print(f"answers sent       {answers_sent}; every update answered exactly once: "
          f"{'yes' if not unanswered and not doubled else 'NO'}")
    print(f"errors             {len(unanswered)} unanswered, {len(doubled)} answered twice, {len(sorry)} apologies, "
          f"{len(too_fast)} too-fast notices, {unanswered_presses} presses not answered once, "
          f"{log_errors} ERROR lines in the bot's log ({len(injected)} 429s injected)")
    print(f"reply time         p50 {percentile(waits, 0.5):.0f} ms, p99 {percentile(waits, 0.99):.0f} ms, "
          f"max {max(waits, default=float('nan')):.0f} ms")
    print(f"  not behind a 429 {len(clear):>5}  p50 {percentile(clear, 0.5):6.0f} ms  p99 {percentile(clear, 0.99):6.0f} ms")
    print(f"    during ingests {len(while_ingesting):>5}  p50 {percentile(while_ingesting, 0.5):6.0f} ms  "
          f"p99 {percentile(while_ingesting, 0.99):6.0f} ms")
    print(f"    otherwise      {len(otherwise):>5}  p50 {percentile(otherwise, 0.5):6.0f} ms  "
          f"p99 {percentile(otherwise, 0.99):6.0f} ms")
    for kind in sorted(by_kind):
        values = by_kind[kind]
        print(f"  {kind:<17} {len(values):>5}  p50 {percentile(values, 0.5):6.0f} ms  p99 {percentile(values, 0.99):6.0f} ms")
    ingest_s = [s.replies[0] - s.at for s in uploads if s.replies]
    print(f"uploads            {len(ingested)}/{len(uploads)} ingested, reply in "
          f"{statistics.median(ingest_s) if ingest_s else float('nan'):.1f} s median")
    print(f"memory             bot peak RSS {peaks.get('bot', 0) / 1024:.0f} MB; fork server and ingest children "
          f"together peak {peaks.get('children', 0) / 1024:.0f} MB")
    print(f"stop               SIGTERM → exit {exit_code} in {stopped_in:.2f} s")
    print(f"token in bot log   {'YES' if TOKEN.split(':')[1] in bot_log else 'no'}")
    failed = unanswered or doubled or sorry or exit_code != 0 or unanswered_presses
    return 1 if failed else 0


def _overlaps(sent: Sent, spans: list[tuple[float, float]]) -> bool:
    """Whether the time from the update to its first reply overlaps one of the spans."""
    return any(sent.at < end and sent.replies[0] > start for start, end in spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 180)))
    parser.add_argument("--users", type=int, default=int(os.environ.get("SOAK_USERS", 200)))
    parser.add_argument("--upload-every", type=float, default=15.0)
    parser.add_argument("--think", type=float, nargs=2, default=(4.0, 16.0), metavar=("MIN", "MAX"),
                        help="seconds a user waits between a reply and the next update")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    sys.exit(asyncio.run(soak(options.seconds, options.users, options.upload_every, tuple(options.think),
                              options.seed)))


if __name__ == "__main__":
    main()
