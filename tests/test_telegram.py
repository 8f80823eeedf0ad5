"""The Telegram bot end to end: the real Application against the fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from telegram import Update

from bot import render
from bot.answer import Answer, Engine
from bot.chat import figure_question, reply, run_chat
from bot.cli import cli
from bot.export import TooManyRows
from bot.telegram import BotConfigError, RateLimit, build_application, run_bot, set_commands, webhook_options
from config import Settings, load_settings
from index.passages import ingest_and_index, refresh_index
from ingest.run import ingest_paths
from reportgen import generate_report, render_html
from tests.conftest import SAMPLE
from tests.fake_bot_api import BOT_USERNAME, FakeBotApi, bot_user, button_press, mention, message
from tests.processes import descendants
from tests.test_findings import with_cells

TOKEN = "123456789:AAF-fake_token_for_tests_0123456789"
ADMIN, CITIZEN = 111, 222
GROUP = -100500
WAIT = 10.0  # seconds; every wait is bounded


def second_report(folder: Path) -> Path:
    """Another body's report: the sample with 城中区 replaced by 鱼峰区."""
    text = SAMPLE.read_text("utf-8").replace("柳州市城中区", "柳州市鱼峰区").replace("城中区", "鱼峰区")
    path = folder / "liuzhou-yufeng-2020.txt"
    path.write_text(text, "utf-8")
    return path


def big_report(folder: Path, megabytes: float) -> Path:
    """Another body's report (鱼峰区) made slow to ingest: thousands of paragraphs in its last section."""
    text = second_report(folder).read_text("utf-8")
    heading = "六、其他需要报告的事项"
    paragraph = "鱼峰区持续推进政务公开标准化规范化建设，围绕重点领域信息公开、政策解读和回应关切，进一步完善公开目录。"
    count = int(megabytes * 1024 * 1024 / len(f"{paragraph}第0条。\n\n".encode()))
    padding = "\n\n".join(f"{paragraph}第{i}条。" for i in range(count))
    path = folder / f"liuzhou-yufeng-2020-{megabytes}mb.txt"
    path.write_text(text.replace(heading, f"{heading}\n\n{padding}\n\n", 1), "utf-8")
    return path


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Data dirs built once: the sample alone ("one"), and the sample plus a second body ("two")."""
    root = tmp_path_factory.mktemp("prepared")
    second = second_report(root)
    for name, files in (("one", [SAMPLE]), ("two", [SAMPLE, second])):
        ingest_paths(files, root / name, workers=1)
        refresh_index(root / name, 1)
    return {"one": root / "one", "two": root / "two", "second": second}


def engine_with(prepared: dict[str, Path], data_dir: Path, which: str = "one") -> Engine:
    shutil.copytree(prepared[which], data_dir)
    return Engine(data_dir)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The fake Bot API, running for this test only."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = FakeBotApi(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def settings(api: FakeBotApi, data_dir: Path) -> Settings:
    return load_settings(
        data_dir,
        environ={
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "TELEGRAM_API_FILE_URL": api.file_url,
            "REPORTBOT_ADMINS": str(ADMIN),
            "REPORTBOT_DATA": str(data_dir),
        },
    )


@asynccontextmanager
async def running(
    settings: Settings, engine: Engine, rate_limit: RateLimit | None = None, **options: Any
) -> AsyncIterator[Any]:
    """The Application polling the fake server, as run_polling would run it, stopped however the test ends."""
    application = build_application(settings, engine, rate_limit, **options)
    await asyncio.wait_for(application.initialize(), WAIT)
    try:
        await asyncio.wait_for(set_commands(application), WAIT)  # run_polling's post_init
        await asyncio.wait_for(application.start(), WAIT)
        await asyncio.wait_for(application.updater.start_polling(poll_interval=0, timeout=1), WAIT)
        yield application
    finally:
        if application.updater.running:
            await asyncio.wait_for(application.updater.stop(), WAIT)
        if application.running:
            await asyncio.wait_for(application.stop(), WAIT)
        await asyncio.wait_for(application.shutdown(), WAIT)


async def say(api: FakeBotApi, user_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    """Send a message as a user; return the params of the bot's next sendMessage to that chat."""
    chat_id = kwargs.get("chat_id", user_id)
    before = len(api.sent_to(chat_id))
    api.push(message(user_id, text, **kwargs))
    await api.wait_for("sendMessage", lambda p: p.get("chat_id") == chat_id, count=1, timeout=WAIT)
    calls = await _sent(api, chat_id, before + 1)
    return calls[before].params


async def _sent(api: FakeBotApi, chat_id: int, count: int) -> list[Any]:
    async def poll() -> list[Any]:
        while len(sent := api.sent_to(chat_id)) < count:
            await asyncio.sleep(0.02)
        return sent

    return await asyncio.wait_for(poll(), WAIT)


def buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in params["reply_markup"]["inline_keyboard"] for b in row]


# ------------------------------------------------------------------ questions and commands


async def test_private_question_gets_the_figure_with_its_source(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir)):
        sent = await say(api, CITIZEN, "城中区2020年行政处罚有多少")
    assert "6487" in sent["text"] and "来源" in sent["text"]
    assert "柳州市城中区人民政府" in sent["text"]
    assert sent["parse_mode"] == "HTML"
    assert "reply_markup" not in sent


async def test_command_menu_is_published_with_admin_commands_only_for_admins(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir)):
        calls = api.calls_of("setMyCommands")
    public = [c.params for c in calls if "scope" not in c.params]
    admin = [c.params for c in calls if c.params.get("scope", {}).get("chat_id") == ADMIN]
    assert [c["command"] for c in public[0]["commands"]] == ["start", "help", "ask", "reports", "figure", "check", "export"]
    assert {"reingest", "restore", "stats"} <= {c["command"] for c in admin[0]["commands"]}


async def test_start_help_reports_and_ask(api, settings, prepared, data_dir):
    engine = engine_with(prepared, data_dir)
    async with running(settings, engine):
        started = await say(api, CITIZEN, "/start")
        helped = await say(api, CITIZEN, "/help")
        listed = await say(api, CITIZEN, "/reports")
        asked = await say(api, CITIZEN, "/ask 城中区2020年行政处罚有多少")
        usage = await say(api, CITIZEN, "/ask")
        unknown = await say(api, CITIZEN, "/frobnicate")
    assert "柳州市城中区人民政府（2020年）" in started["text"]
    assert engine.example_questions()[0] in started["text"]
    assert "/figure" in helped["text"] and "/reingest" not in helped["text"]
    assert "/check" in helped["text"] and "/export" in helped["text"] and "/restore" not in helped["text"]
    assert "· 柳州市城中区人民政府：2020年" in listed["text"]
    assert "6487" in asked["text"] and "来源" in asked["text"]
    assert "用法" in usage["text"]
    assert "/help" in unknown["text"]


async def test_figure_for_one_year_and_for_every_year(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir)):
        one_year = await say(api, CITIZEN, "/figure 城中区 2020 行政处罚")
        every_year = await say(api, CITIZEN, "/figure 城中区 行政处罚")
        usage = await say(api, CITIZEN, "/figure 城中区")
    assert "6487" in one_year["text"] and "来源" in one_year["text"]
    assert "历年" in every_year["text"] and "2020年：6487件" in every_year["text"]
    assert "用法" in usage["text"]


async def test_help_is_the_same_in_telegram_and_in_the_console_chat(api, settings, prepared, data_dir):
    engine = engine_with(prepared, data_dir)
    async with running(settings, engine):
        helped = await say(api, CITIZEN, "/help")
    console: list[str] = []
    lines = iter(["/help"])
    run_chat(engine, read=lambda prompt: next(lines, None), write=console.append)
    assert html.unescape(helped["text"]) == console[1]
    assert "/figure" in console[1] and "/reingest" not in console[1]


def test_the_console_chat_understands_the_same_commands(prepared, data_dir):
    engine = engine_with(prepared, data_dir)
    replies = {line: reply(engine, line) for line in
               ["/figure 城中区 2020 行政处罚", "/figure 城中区", "/ask 城中区2020年行政处罚有多少", "/ask", "/reports", "/frob",
                "/check 城中区 2020", "/check", "/export 城中区"]}
    assert "6487" in replies["/figure 城中区 2020 行政处罚"] and "6487" in replies["/ask 城中区2020年行政处罚有多少"]
    assert "没有发现问题" in replies["/check 城中区 2020"] and "用法" in replies["/check"]
    assert "reportbot export" in replies["/export 城中区"]
    assert "用法" in replies["/figure 城中区"] and "用法" in replies["/ask"]
    assert "· 柳州市城中区人民政府：2020年" in replies["/reports"]
    assert "/help" in replies["/frob"]


@pytest.mark.parametrize(
    ("args", "question"),
    [
        (["城中区", "2020", "行政处罚"], "城中区2020年行政处罚"),
        (["城中区", "2020年", "行政", "处罚"], "城中区2020年行政处罚"),
        (["城中区", "行政处罚"], "城中区历年行政处罚"),
        (["城中区"], None),
        (["城中区", "2020"], None),
        ([], None),
    ],
)
def test_figure_question(args, question):
    assert figure_question(args) == question


# ------------------------------------------------------------------ buttons


async def test_clarify_button_answers_for_the_chosen_report(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir, "two")):
        clarify = await say(api, CITIZEN, "2020年行政处罚有多少")
        choices = buttons(clarify)
        assert [b["text"] for b in choices] == ["柳州市城中区人民政府 2020年", "柳州市鱼峰区人民政府 2020年"]
        assert all(len(b["callback_data"].encode()) <= 64 for b in choices)
        clarify_message = api.calls_of("sendMessage")[-1].result
        api.push(button_press(CITIZEN, choices[1]["callback_data"], clarify_message))
        answered = await _sent(api, CITIZEN, 2)
        await api.wait_for("answerCallbackQuery", timeout=WAIT)
    assert "鱼峰区" in answered[1].params["text"] and "6487" in answered[1].params["text"]
    assert "城中区" not in answered[1].params["text"]


async def test_passage_answer_has_a_next_button(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir, "two")):
        first = await say(api, CITIZEN, "政府信息公开查阅点在哪里")
        [next_button] = buttons(first)
        assert next_button["text"] == "下一条"
        api.push(button_press(CITIZEN, next_button["callback_data"], api.sent_to(CITIZEN)[-1].result))
        second = (await _sent(api, CITIZEN, 2))[1].params
        await api.wait_for("answerCallbackQuery", timeout=WAIT)
    assert "<b>" in first["text"] and "来源" in first["text"]
    assert "来源" in second["text"] and second["text"] != first["text"]
    assert {"鱼峰区" in first["text"], "鱼峰区" in second["text"]} == {True, False}  # one passage from each body


async def test_an_expired_button_is_answered_politely(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir)):
        api.push(button_press(CITIZEN, "c:999:0", bot_message(CITIZEN)))
        [call] = await api.wait_for("answerCallbackQuery", timeout=WAIT)
    assert "过期" in call.params["text"]
    assert api.sent_to(CITIZEN) == []


def bot_message(chat_id: int) -> dict[str, Any]:
    return {"message_id": 1, "date": 0, "chat": {"id": chat_id, "type": "private"}, "from": bot_user(), "text": "…"}


# ------------------------------------------------------------------ groups


async def test_in_a_group_only_messages_addressed_to_the_bot_are_answered(api, settings, prepared, data_dir):
    question = "城中区2020年行政处罚有多少"
    async with running(settings, engine_with(prepared, data_dir)) as application:
        chatter = message(CITIZEN, question, chat_id=GROUP, chat_type="supergroup")
        await asyncio.wait_for(application.process_update(Update.de_json({"update_id": 0, **chatter}, application.bot)), WAIT)
        assert api.sent_to(GROUP) == []

        text = f"@{BOT_USERNAME} {question}"
        mentioned = await say(api, CITIZEN, text, chat_id=GROUP, chat_type="supergroup", entities=mention(text))
        reply = bot_message(GROUP) | {"chat": {"id": GROUP, "type": "supergroup", "title": "测试群"}}
        replied = await say(api, CITIZEN, question, chat_id=GROUP, chat_type="supergroup", reply_to=reply)
        named = f"年报助手 {question}"  # a mention by name, for a bot without a username shown
        by_name = await say(api, CITIZEN, named, chat_id=GROUP, chat_type="supergroup",
                            entities=[{"type": "text_mention", "offset": 0, "length": 4, "user": bot_user()}])
        command = await say(api, CITIZEN, f"/figure@{BOT_USERNAME} 城中区 2020 行政处罚", chat_id=GROUP, chat_type="supergroup")
        other_bot = message(CITIZEN, f"@other_bot {question}", chat_id=GROUP, chat_type="supergroup",
                            entities=mention(f"@other_bot {question}", "@other_bot"))
        await asyncio.wait_for(application.process_update(Update.de_json({"update_id": 0, **other_bot}, application.bot)), WAIT)
    for sent in (mentioned, replied, by_name, command):
        assert "6487" in sent["text"]
    assert "message_id" in mentioned["reply_parameters"]  # answers quote the question in a group
    assert len(api.sent_to(GROUP)) == 4


# ------------------------------------------------------------------ admins


def document(file_id: str, name: str, size: int) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name, "mime_type": "text/plain", "file_size": size}


async def test_admin_upload_is_downloaded_ingested_and_answerable(api, settings, prepared, data_dir):
    content = prepared["second"].read_bytes()
    api.add_file("F1", "documents/file_1.txt", content)
    engine = engine_with(prepared, data_dir)
    async with running(settings, engine):
        api.push(message(ADMIN, document=document("F1", "柳州市鱼峰区2020年报.txt", len(content))))
        [summary] = await api.wait_for("sendMessage", lambda p: "导入结果" in p.get("text", ""), timeout=WAIT)
        answer = await say(api, ADMIN, "鱼峰区2020年行政处罚有多少")
    order = [c.method for c in api.calls if c.method in ("getFile", "download")] + ["summary"]
    assert order == ["getFile", "download", "summary"]
    assert api.calls_of("getFile")[0].at < api.calls_of("download")[0].at < summary.at
    assert "导入 1 份，替换 0 份，拒收 0 份" in summary.params["text"]
    assert "柳州市鱼峰区人民政府 2020" in summary.params["text"]
    assert "reportbot-upload-" not in summary.params["text"]  # the temp folder is not shown
    assert "鱼峰区" in answer["text"] and "6487" in answer["text"]


async def test_questions_are_answered_at_their_usual_speed_while_an_upload_is_ingested(
    api, settings, prepared, data_dir, tmp_path
):
    """The ingest runs in a child process: the event loop never parses, questions are not slowed."""
    content = big_report(tmp_path, 2).read_bytes()  # 0.8 million characters: seconds to ingest, under the text limit
    api.add_file("F2", "documents/file_2.txt", content)
    engine = engine_with(prepared, data_dir)
    async with running(settings, engine, RateLimit(count=100)):
        usual = [await timed_say(api, CITIZEN, "城中区2020年行政处罚有多少") for _ in range(3)]
        api.push(message(ADMIN, document=document("F2", "yufeng.txt", len(content))))
        await api.wait_for("sendChatAction", timeout=WAIT)  # downloaded; the ingest has started
        during = [await timed_say(api, CITIZEN, "城中区2020年行政处罚有多少") for _ in range(5)]
        unfinished = not api.calls_of("sendMessage", lambda p: "导入结果" in p.get("text", ""))
        still_old = [r.body for r in engine.reports]
        await api.wait_for("sendMessage", lambda p: "导入结果" in p.get("text", ""), timeout=30)
    assert unfinished  # the questions were asked while the ingest ran
    assert all("6487" in text for text, _ in usual + during)
    assert max(seconds for _, seconds in during) < max(1.0, 5 * max(seconds for _, seconds in usual))
    assert still_old == ["柳州市城中区人民政府"]  # the new catalog is swapped in only after success
    assert [r.body for r in engine.reports] == ["柳州市城中区人民政府", "柳州市鱼峰区人民政府"]


async def timed_say(api: FakeBotApi, user_id: int, text: str) -> tuple[str, float]:
    """The reply to a question and the seconds from queueing the update to the reply's arrival."""
    started = time.monotonic()
    sent = await say(api, user_id, text)
    return sent["text"], time.monotonic() - started


async def test_non_admin_upload_is_refused_and_nothing_ingested(api, settings, prepared, data_dir, caplog):
    api.add_file("F3", "documents/file_3.txt", prepared["second"].read_bytes())
    engine = engine_with(prepared, data_dir)
    with caplog.at_level(logging.WARNING, logger="bot.telegram"):
        async with running(settings, engine):
            api.push(message(CITIZEN, document=document("F3", "yufeng.txt", 1000)))
            [refusal] = await api.wait_for("sendMessage", timeout=WAIT)
    assert "管理员" in refusal.params["text"]
    assert api.calls_of("getFile") == [] and api.calls_of("download") == []
    assert len(Engine(data_dir).reports) == 1
    assert any(str(CITIZEN) in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


async def test_oversized_upload_is_refused_before_download(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir)):
        api.push(message(ADMIN, document=document("F4", "huge.pdf", 21 * 1024 * 1024)))
        [refusal] = await api.wait_for("sendMessage", timeout=WAIT)
    assert "太大" in refusal.params["text"] and "20 MB" in refusal.params["text"]
    assert api.calls_of("getFile") == []


async def test_reingest_and_stats_for_admins_only(api, settings, prepared, data_dir, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    second_report(corpus)
    settings = dataclasses.replace(settings, corpus_dir=corpus)
    async with running(settings, engine_with(prepared, data_dir)):
        refused = await say(api, CITIZEN, "/reingest")
        refused_stats = await say(api, CITIZEN, "/stats")
        await say(api, CITIZEN, "城中区2020年行政处罚有多少")
        reingested = await say(api, ADMIN, "/reingest")
        stats = await say(api, ADMIN, "/stats")
        admin_help = await say(api, ADMIN, "/help")
    assert "管理员" in refused["text"] and "管理员" in refused_stats["text"]
    assert "/restore" in admin_help["text"]
    assert "导入 1 份" in reingested["text"] and "已导入 liuzhou-yufeng-2020.txt" in reingested["text"]
    assert str(corpus) not in reingested["text"]
    assert "持有报告：2 份" in stats["text"] and "已回答问题：1 个" in stats["text"] and "毫秒" in stats["text"]


# ------------------------------------------------------------------ charts, checks, exports, replacing, restoring

PNG = b"\x89PNG\r\n\x1a\n"


async def photo_to(api: FakeBotApi, chat_id: int, count: int = 1) -> Any:
    """The `count`-th photo sent to the chat."""
    calls = await api.wait_for("sendPhoto", lambda p: p.get("chat_id") == chat_id, count=count, timeout=WAIT)
    return calls[count - 1]


async def test_a_series_answer_comes_with_its_chart_as_a_photo(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir)):
        by_command = await say(api, CITIZEN, "/figure 城中区 行政处罚")
        command_photo = await photo_to(api, CITIZEN)
        by_question = await say(api, CITIZEN, "城中区历年收到的申请")
        question_photo = await photo_to(api, CITIZEN, 2)
        one_figure = await say(api, CITIZEN, "城中区2020年行政处罚有多少")
        await asyncio.sleep(0.3)  # a photo after it would have come by now
    assert "2020年：6487件" in by_command["text"] and "历年" in by_command["text"]
    assert "2020年：31件" in by_question["text"]
    for text, photo in ((by_command["text"], command_photo), (by_question["text"], question_photo)):
        assert photo.files["photo"].content.startswith(PNG) and len(photo.files["photo"].content) > 10_000
        assert photo.params["caption"] == text.split("\n")[0]  # the first line; the full text came before
        assert photo.params["parse_mode"] == "HTML"
    texts = api.sent_to(CITIZEN)
    assert texts[0].at < command_photo.at < texts[1].at < question_photo.at
    assert "6487" in one_figure["text"] and len(api.calls_of("sendPhoto")) == 2  # a single figure has no chart


async def test_a_chart_that_fails_to_draw_leaves_the_text_answer(api, settings, prepared, data_dir, caplog, monkeypatch):
    def broken(series: Any, path: Any) -> None:
        raise RuntimeError("no font")

    monkeypatch.setattr("bot.telegram.draw_series", broken)
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        async with running(settings, engine_with(prepared, data_dir)):
            sent = await say(api, CITIZEN, "/figure 城中区 行政处罚")
            await _logged(caplog, "drawing the chart")
            await asyncio.sleep(0.2)
    assert "2020年：6487件" in sent["text"]
    assert api.calls_of("sendPhoto") == []
    assert len(api.sent_to(CITIZEN)) == 1  # the answer, and no apology after it
    [record] = [r for r in caplog.records if "drawing the chart" in r.getMessage()]
    assert isinstance(record.exc_info[1], RuntimeError)


def test_a_caption_is_the_first_line_within_telegrams_limit():
    assert render.caption("城中区 <行政处罚>，历年：\n2020年：6487件") == "城中区 &lt;行政处罚&gt;，历年："
    long = render.caption("𠀀" * 600 + "\n第二行")  # two UTF-16 units each
    assert len(long.encode("utf-16-le")) // 2 <= render.CAPTION_LIMIT and long.endswith("…")


def generated(folder: Path, year: int, seed: int, broken_total: int = 0) -> Path:
    """A generated report of 清江浦区 (its Table 3 total made `broken_total` larger than its parts)."""
    report = generate_report(seed, body=QINGJIANGPU, year=year)
    if broken_total:
        total = next(v for k, (v, _) in report.cells.items() if k[0] == 3 and k[2] == "results_total" and k[3] == "total")
        report = with_cells(report, {("results_total", "total"): total + broken_total})
    path = folder / f"qingjiangpu-{year}.html"
    path.write_text(render_html(report), "utf-8")
    return path


QINGJIANGPU = "淮安市清江浦区人民政府"


async def test_check_says_a_reports_status_and_its_findings(api, settings, prepared, data_dir, tmp_path):
    shutil.copytree(prepared["one"], data_dir)
    ingest_and_index([generated(tmp_path, 2022, 7), generated(tmp_path, 2023, 8, broken_total=5)], data_dir, 1)
    async with running(settings, Engine(data_dir), RateLimit(count=100)):
        sample = await say(api, CITIZEN, "/check 城中区 2020")
        latest = await say(api, CITIZEN, "/check 清江浦区")
        earlier = await say(api, CITIZEN, "/check 清江浦区 2022")
        by_id = await say(api, CITIZEN, "/check 1-2020")
        not_held = await say(api, CITIZEN, "/check 清江浦区 2019")
        unknown = await say(api, CITIZEN, "/check 鱼峰区")
        usage = await say(api, CITIZEN, "/check")
    assert sample["text"].startswith("柳州市城中区人民政府 2020年（编号 1-2020）：表格全部读出")
    assert "没有发现问题" in sample["text"] and by_id["text"] == sample["text"]
    assert "2023年" in latest["text"] and "合计不成立" in latest["text"]  # without a year: the latest
    assert "发现 3 处问题" in latest["text"] and latest["text"].count("不成立（") == 3
    assert "“总计 = 自然人 + 法人或其他组织”不成立" in html.unescape(latest["text"])
    assert "2022年（编号" in earlier["text"] and "各项合计成立" in earlier["text"] and "不成立" not in earlier["text"]
    assert "我没有淮安市清江浦区人民政府2019年的报告（我有它2022、2023年的报告）" in not_held["text"]
    assert "我没有“鱼峰区”的报告" in unknown["text"]
    assert "用法" in usage["text"]


async def test_check_asks_which_body_when_the_words_fit_several(api, settings, data_dir, tmp_path):
    xining = tmp_path / "xining.txt"
    xining.write_text(SAMPLE.read_text("utf-8").replace("柳州市城中区", "西宁市城中区"), "utf-8")
    ingest_and_index([SAMPLE, xining], data_dir, 1)
    async with running(settings, Engine(data_dir)):
        ambiguous = await say(api, CITIZEN, "/check 城中区 2020")
        named = await say(api, CITIZEN, "/check 西宁市城中区 2020")
    assert "可能指以下几个单位" in ambiguous["text"]
    assert "· 柳州市城中区人民政府：2020年" in ambiguous["text"] and "· 西宁市城中区人民政府：2020年" in ambiguous["text"]
    assert named["text"].startswith("西宁市城中区人民政府 2020年")


def test_named_reports(prepared, data_dir):
    engine = engine_with(prepared, data_dir, "two")
    ids = lambda text: ([r.id for r in engine.named_reports(text)[0]], engine.named_reports(text)[1])  # noqa: E731
    assert ids("城中区 2020") == (["1-2020"], 2020)
    assert ids("柳州市鱼峰区人民政府") == (["2-2020"], None)
    assert ids("2-2020") == (["2-2020"], 2020)
    assert ids("城中区 2019") == (["1-2020"], 2019)  # every report of the body: the caller says the year is not held
    assert ids("青秀区") == ([], None) and ids("") == ([], None)


async def test_an_admins_upload_reply_shows_the_findings_of_each_file(api, settings, prepared, data_dir, tmp_path):
    content = generated(tmp_path, 2023, 8, broken_total=5).read_bytes()
    api.add_file("G1", "documents/file_g1.html", content)
    async with running(settings, engine_with(prepared, data_dir)):
        api.push(message(ADMIN, document=document("G1", "清江浦区2023.html", len(content))))
        [summary] = await api.wait_for("sendMessage", lambda p: "导入结果" in p.get("text", ""), timeout=WAIT)
    text = html.unescape(summary.params["text"])
    assert "导入 1 份" in text and "发现 3 处问题" in text
    assert text.count("  发现：表3") == 3 and "“总计 = 自然人 + 法人或其他组织”不成立" in text


def truncated_sample(folder: Path) -> Path:
    """The sample cut off before its tables: the same report, read worse."""
    path = folder / "chengzhong-2020-cut.txt"
    path.write_text(SAMPLE.read_text("utf-8").split("二、主动公开政府信息情况")[0], "utf-8")
    return path


async def test_a_worse_reading_is_refused_with_a_button_only_an_admin_may_press_then_restored(
    api, settings, prepared, data_dir, tmp_path
):
    content = truncated_sample(tmp_path).read_bytes()
    api.add_file("T1", "documents/file_t1.txt", content)
    question = "城中区2020年行政处罚有多少"
    async with running(settings, engine_with(prepared, data_dir), RateLimit(count=100)):
        api.push(message(ADMIN, document=document("T1", "城中区2020.txt", len(content))))
        [refusal] = await api.wait_for("sendMessage", lambda p: "拒收" in p.get("text", ""), timeout=WAIT)
        [button] = buttons(refusal.params)
        kept = await say(api, ADMIN, question)

        api.push(button_press(CITIZEN, button["callback_data"], refusal.result))
        [refused_press] = await api.wait_for("answerCallbackQuery", timeout=WAIT)
        refused_restore = await say(api, CITIZEN, "/restore 城中区 2020")

        api.push(button_press(ADMIN, button["callback_data"], refusal.result))
        [replaced] = await api.wait_for("sendMessage", lambda p: "替换 1 份" in p.get("text", ""), timeout=WAIT)
        lost = await say(api, ADMIN, question)

        restored = await say(api, ADMIN, "/restore 城中区 2020")
        back = await say(api, ADMIN, question)
        again = await say(api, ADMIN, "/restore 1-2020")
    assert "拒收 1 份" in refusal.params["text"] and "：读出的内容比已存的报告少（" in refusal.params["text"]
    assert "table 3 (161 cells)" in refusal.params["text"]  # what it would lose
    assert "没有替换" in refusal.params["text"] and "仍然替换" in refusal.params["text"]
    assert button["text"] == "仍然替换"
    assert "6487" in kept["text"]
    assert "管理员" in refused_press.params["text"] and "管理员" in refused_restore["text"]
    assert len(api.calls_of("getFile")) == 2  # the upload, then the admin's press: never the citizen's
    assert "没有替换" not in replaced.params["text"] and not replaced.params.get("reply_markup")
    assert "6487" not in lost["text"]
    assert "已恢复柳州市城中区人民政府 2020年的报告被替换前的版本" in restored["text"]
    assert "6487" in back["text"] and "来源" in back["text"]
    assert "没有可以恢复的早先版本" in again["text"]  # NothingToRestore, from the child process, in words
    assert "Traceback" not in again["text"]


async def test_export_sends_the_bodys_cells_as_an_excel_file(api, settings, prepared, data_dir, tmp_path):
    shutil.copytree(prepared["one"], data_dir)
    ingest_and_index([sample_of_2019(tmp_path)], data_dir, 1)
    async with running(settings, Engine(data_dir)):
        one_year = await _document_after(api, CITIZEN, "/export 城中区 2020")
        every_year = await _document_after(api, CITIZEN, "/export 城中区")
        not_held = await say(api, CITIZEN, "/export 城中区 2018")
        unknown = await say(api, CITIZEN, "/export 鱼峰区")
        usage = await say(api, CITIZEN, "/export")
    assert one_year.files["document"].filename == "城中区-2020.xlsx"
    assert every_year.files["document"].filename == "城中区-历年.xlsx"
    assert "198 格" in one_year.params["caption"] and "396 格" in every_year.params["caption"]
    book = workbook(one_year.files["document"].content, tmp_path)
    assert [sheet.title[:2] for sheet in book.worksheets] == ["表2", "表3", "表4"]
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 198
    assert all(row[0] == "柳州市城中区人民政府" and row[1] == 2020 for row in rows)
    assert ("第二十条第（六）项 / 行政处罚", 6487) in {(row[3], row[5]) for row in rows if row[2] == 2}
    assert ("一、本年新收政府信息公开申请数量", "自然人", 27) in {(row[3], row[4], row[5]) for row in rows if row[2] == 3}
    book = workbook(every_year.files["document"].content, tmp_path)
    years = [row[1] for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(set(years)) == [2019, 2020] and len(years) == 396
    assert "我没有柳州市城中区人民政府2018年的报告（我有它2019、2020年的报告）" in not_held["text"]
    assert "我没有“鱼峰区”的报告" in unknown["text"] and "用法" in usage["text"]


def sample_of_2019(folder: Path) -> Path:
    """The sample as the same body's report of 2019."""
    path = folder / "liuzhou-chengzhong-2019.txt"
    path.write_text(SAMPLE.read_text("utf-8").replace("2020", "2019").replace("2019-01-29", "2020-01-29"), "utf-8")
    return path


def workbook(content: bytes, folder: Path) -> Any:
    from openpyxl import load_workbook

    path = folder / "sent.xlsx"
    path.write_bytes(content)
    return load_workbook(path, read_only=True)


async def _document_after(api: FakeBotApi, user_id: int, text: str) -> Any:
    before = len(api.calls_of("sendDocument"))
    api.push(message(user_id, text))
    calls = await api.wait_for("sendDocument", count=before + 1, timeout=WAIT)
    return calls[before]


async def test_an_export_refused_is_said_politely(api, settings, prepared, data_dir, monkeypatch):
    def too_many(*args: Any, **kwargs: Any) -> int:
        raise TooManyRows("表3 has more cells than an Excel sheet holds")

    monkeypatch.setattr("bot.telegram.export_cells", too_many)
    async with running(settings, engine_with(prepared, data_dir)):
        refused = await say(api, CITIZEN, "/export 城中区")
    assert "一个 Excel 表放不下" in refused["text"] and "Excel sheet" not in refused["text"]
    assert api.calls_of("sendDocument") == []


async def test_checks_and_exports_count_against_the_users_limit(api, settings, prepared, data_dir):
    """In a group, where no catch-all handler would count them in their stead."""
    group = {"chat_id": GROUP, "chat_type": "supergroup"}
    async with running(settings, engine_with(prepared, data_dir), RateLimit(count=1, seconds=60)):
        checked = await say(api, CITIZEN, f"/check@{BOT_USERNAME} 城中区", **group)
        slowed = await say(api, CITIZEN, f"/export@{BOT_USERNAME} 城中区", **group)
        api.push(message(CITIZEN, f"/restore@{BOT_USERNAME} 城中区", **group))
        await asyncio.sleep(0.5)
    assert "没有发现问题" in checked["text"] and "太快" in slowed["text"]
    assert api.calls_of("sendDocument") == [] and len(api.sent_to(GROUP)) == 2


# ------------------------------------------------------------------ robustness


async def test_429_then_a_refused_connection_delivers_the_answer_exactly_once(api, settings, prepared, data_dir, caplog):
    api.fail_next("sendMessage", 429, retry_after=1)
    api.refuse_after("sendMessage", 2.0)  # the rate limiter's resend finds nothing listening
    with caplog.at_level(logging.WARNING, logger="bot.telegram"):
        async with running(settings, engine_with(prepared, data_dir)):
            api.push(message(CITIZEN, "城中区2020年行政处罚有多少"))
            [delivered] = await _sent(api, CITIZEN, 1)
    attempts = api.calls_of("sendMessage")
    assert len(attempts) == 2  # the 429, then delivered once: the refused attempts never reached the server
    assert attempts[1].at - attempts[0].at >= 2.0  # retry_after was honoured, then the refusal outlasted
    assert "6487" in delivered.params["text"]
    assert "sendMessage failed (ConnectError); retrying" in caplog.text


@pytest.mark.parametrize("loss", ["answer too late", "hung up", "500"])
async def test_a_message_that_may_have_reached_telegram_is_never_sent_twice(
    api, settings, prepared, data_dir, caplog, loss
):
    if loss == "answer too late":
        api.lose_answer("sendMessage", after=1.5)  # the bot stops waiting after 0.5 s
    elif loss == "hung up":
        api.lose_answer("sendMessage")
    else:
        api.fail_next("sendMessage", 500)
    with caplog.at_level(logging.WARNING, logger="bot.telegram"):
        async with running(settings, engine_with(prepared, data_dir), read_timeout=0.5):
            api.push(message(CITIZEN, "城中区2020年行政处罚有多少"))
            await _logged(caplog, "handling update")  # the handler has given up: no retry can follow
    attempts = api.calls_of("sendMessage", lambda p: p.get("chat_id") == CITIZEN)
    assert len(attempts) == 1  # not sent again, and no apology sent after an answer that may have arrived
    assert ("6487" in attempts[0].params["text"]) and (attempts[0].result is not None) == (loss != "500")
    assert "not retried" in caplog.text


async def test_calls_that_can_be_repeated_are_still_retried(api, settings, prepared, data_dir):
    content = prepared["second"].read_bytes()
    api.add_file("F7", "documents/file_7.txt", content)
    api.fail_next("getFile", 502)
    api.fail_next("answerCallbackQuery", 500)
    api.lose_answer("answerCallbackQuery")
    async with running(settings, engine_with(prepared, data_dir)):
        api.push(message(ADMIN, document=document("F7", "yufeng.txt", len(content))))
        await api.wait_for("sendMessage", lambda p: "导入 1 份" in p.get("text", ""), timeout=WAIT)
        api.push(button_press(CITIZEN, "expired", bot_message(CITIZEN)))
        await api.wait_for("answerCallbackQuery", count=3, timeout=WAIT)
    assert len(api.calls_of("getFile")) == 2


async def _logged(caplog: pytest.LogCaptureFixture, text: str, timeout: float = WAIT) -> None:
    async def poll() -> None:
        while not any(text in r.getMessage() for r in caplog.records):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


async def test_stopping_does_not_wait_for_a_reply_held_by_a_long_429(api, settings, prepared, data_dir):
    api.fail_next("sendMessage", 429, retry_after=30)
    async with running(settings, engine_with(prepared, data_dir)):
        api.push(message(CITIZEN, "城中区2020年行政处罚有多少"))
        await api.wait_for("sendMessage", timeout=WAIT)  # the rate limiter now waits 30 s to send again
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 5.0
    assert api.sent_to(CITIZEN) == []


async def test_fifty_users_asking_at_once_all_get_answers(api, settings, prepared, data_dir):
    users = range(5000, 5050)
    async with running(settings, engine_with(prepared, data_dir)):
        for user_id in users:
            api.push(message(user_id, "城中区2020年行政处罚有多少"))
        await api.wait_for("sendMessage", count=50, timeout=20)
    for user_id in users:
        [answer] = api.sent_to(user_id)
        assert "6487" in answer.params["text"]


async def test_a_user_asking_too_fast_is_asked_to_wait(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir), RateLimit(count=2, seconds=60)):
        for _ in range(2):
            assert "6487" in (await say(api, CITIZEN, "城中区2020年行政处罚有多少"))["text"]
        slowed = await say(api, CITIZEN, "城中区2020年行政处罚有多少")
        other = await say(api, CITIZEN + 1, "城中区2020年行政处罚有多少")
    assert "太快" in slowed["text"]
    assert "6487" in other["text"]


async def test_commands_buttons_and_uploads_share_one_limit_with_one_notice(api, settings, prepared, data_dir):
    """300 /help in a burst are not 300 replies: every update counts, and the user is told once."""
    async with running(settings, engine_with(prepared, data_dir), RateLimit(count=3, seconds=60)):
        await say(api, CITIZEN, "/help")
        await say(api, CITIZEN, "/reports")
        await say(api, CITIZEN, "城中区2020年行政处罚有多少")
        api.push(message(CITIZEN, "/start"))
        api.push(message(CITIZEN, document=document("F8", "yufeng.txt", 1000)))
        api.push(button_press(CITIZEN, "expired", bot_message(CITIZEN)))
        api.push(message(CITIZEN, "/reingest"))
        for _ in range(300):
            api.push(message(CITIZEN, "/help"))
        await say(api, CITIZEN + 1, "城中区2020年行政处罚有多少")  # queued after the burst
        [pressed] = await api.wait_for("answerCallbackQuery", timeout=WAIT)
        await _sent(api, CITIZEN, 4)
        await asyncio.sleep(0.3)  # anything still to come from the burst would arrive now
    sent = [c.params["text"] for c in api.sent_to(CITIZEN)]
    assert len(sent) == 4 and "太快" in sent[3]  # three answers, one notice, then silence
    assert "text" not in pressed.params  # the button press is answered, silently: the notice was sent
    assert api.calls_of("getFile") == []  # the upload was dropped too


async def test_the_notice_comes_again_only_in_a_new_window_and_admins_are_limited_too(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir), RateLimit(count=1, seconds=1)):
        for _ in range(4):
            api.push(message(ADMIN, "城中区2020年行政处罚有多少"))
        await _sent(api, ADMIN, 2)
        await asyncio.sleep(1.1)
        for _ in range(4):
            api.push(message(ADMIN, "城中区2020年行政处罚有多少"))
        await _sent(api, ADMIN, 4)
        await asyncio.sleep(0.3)
    sent = [c.params["text"] for c in api.sent_to(ADMIN)]
    assert len(sent) == 4
    assert sum("太快" in text for text in sent) == 2 and sum("6487" in text for text in sent) == 2


async def test_group_chatter_not_addressed_to_the_bot_does_not_count(api, settings, prepared, data_dir):
    async with running(settings, engine_with(prepared, data_dir), RateLimit(count=1, seconds=60)):
        for _ in range(5):
            api.push(message(CITIZEN, "大家好", chat_id=GROUP, chat_type="supergroup"))
        text = f"@{BOT_USERNAME} 城中区2020年行政处罚有多少"
        answered = await say(api, CITIZEN, text, chat_id=GROUP, chat_type="supergroup", entities=mention(text))
    assert "6487" in answered["text"]
    assert len(api.sent_to(GROUP)) == 1


class BrokenEngine(Engine):
    """An Engine whose answering fails, to reach the error handler."""

    def answer(self, question: str, report_id: str | None = None) -> Answer:
        raise RuntimeError("index file is corrupt")


async def test_an_error_is_logged_and_the_user_told_without_a_traceback(api, settings, prepared, data_dir, caplog):
    shutil.copytree(prepared["one"], data_dir)
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        async with running(settings, BrokenEngine(data_dir)):
            sent = await say(api, CITIZEN, "城中区2020年行政处罚有多少")
    assert "出了点问题" in sent["text"]
    assert "Traceback" not in sent["text"] and "corrupt" not in sent["text"]
    [record] = [r for r in caplog.records if r.name == "bot.telegram" and r.levelno == logging.ERROR]
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


async def test_the_token_never_reaches_the_log_in_any_form(api, settings, prepared, data_dir, caplog):
    caplog.set_level(logging.DEBUG)
    api.add_file("F5", "documents/file_5.txt", prepared["second"].read_bytes())
    api.add_file("F6", "documents/file_6.txt", None)  # its download fails: the error names the URL
    api.fail_next("getFile", 500)
    async with running(settings, engine_with(prepared, data_dir)):
        await say(api, CITIZEN, "城中区2020年行政处罚有多少")
        api.push(message(ADMIN, document=document("F5", "yufeng.txt", 1000)))
        await api.wait_for("sendMessage", lambda p: "导入结果" in p.get("text", ""), timeout=WAIT)
        api.push(message(ADMIN, document=document("F6", "missing.txt", 1000)))
        [failed] = await api.wait_for("sendMessage", lambda p: "取得" in p.get("text", ""), timeout=WAIT)
    encoded = quote(TOKEN, safe="")
    assert encoded != TOKEN and any(encoded in c.params["requested"] for c in api.calls_of("download"))
    shown = "\n".join(logging.Formatter("%(message)s").format(r) for r in caplog.records)
    assert "<token>" in shown  # the token was on its way to the log, in the URL and the exception
    assert any(r.exc_info for r in caplog.records if "missing.txt" in r.getMessage())
    for form in (TOKEN, encoded, encoded.lower(), TOKEN.split(":")[1]):
        assert form not in caplog.text and form not in shown


# ------------------------------------------------------------------ starting


def test_run_bot_without_a_token_says_so(settings):
    with pytest.raises(BotConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        run_bot(dataclasses.replace(settings, telegram_token=None))


def test_run_bot_with_a_rejected_token_says_so_without_logging_it(settings, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "987654321:AAwrong_token_never_to_be_logged"
    with pytest.raises(BotConfigError, match="rejected") as raised:
        run_bot(dataclasses.replace(settings, telegram_token=wrong))
    assert wrong not in str(raised.value)
    assert wrong not in caplog.text


def test_serve_without_a_token_is_a_clear_message_not_a_traceback(monkeypatch, data_dir):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--data", str(data_dir)])
    assert result.exit_code == 1
    assert "Error: TELEGRAM_BOT_TOKEN is not set" in result.output
    assert "Traceback" not in result.output


def test_webhook_options(settings):
    hooked = dataclasses.replace(settings, telegram_webhook_url="https://bot.example.org/reportbot/hook", telegram_webhook_port=8443)
    options = webhook_options(hooked)
    assert options["url_path"] == "reportbot/hook" and options["port"] == 8443
    assert options["webhook_url"] == "https://bot.example.org/reportbot/hook"
    assert len(options["secret_token"]) >= 32  # a random secret when none is configured
    given = webhook_options(dataclasses.replace(hooked, telegram_webhook_secret="s3cret-value"))
    assert given["secret_token"] == "s3cret-value"


def test_serve_answers_and_stops_within_5_s_on_sigterm_mid_ingest(api, prepared, data_dir, tmp_path):
    """`reportbot serve` in its own process: answers; SIGTERM while an upload is being ingested stops
    the ingest and the bot within 5 s, exit status 0, and the database holds the old or the new state."""
    shutil.copytree(prepared["one"], data_dir)
    # About eight seconds to ingest on a fast day; the text limit is raised so that it is read
    # (3.1 million characters), not refused at once, which would race the SIGTERM below.
    content = big_report(tmp_path, 8).read_bytes()
    api.add_file("F9", "documents/file_9.txt", content)
    environment = {
        **os.environ,
        "REPORTBOT_MAX_TEXT_CHARS": "20000000",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.file_url,
        "REPORTBOT_ADMINS": str(ADMIN),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "serve", "--data", str(data_dir)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.push(message(CITIZEN, "城中区2020年行政处罚有多少"))
        _wait_until(lambda: api.sent_to(CITIZEN) or server.poll() is not None, 30)
        api.push(message(ADMIN, document=document("F9", "yufeng.txt", len(content))))
        _wait_until(lambda: api.calls_of("sendChatAction") or server.poll() is not None, WAIT)
        time.sleep(1.0)  # well into the ingest
        helpers = descendants(server.pid)
        signalled = time.monotonic()
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=WAIT)
        stopped_in = time.monotonic() - signalled
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert "6487" in api.sent_to(CITIZEN)[0].params["text"], errors
    assert not api.calls_of("sendMessage", lambda p: "导入结果" in p.get("text", ""))  # stopped mid-ingest
    assert server.returncode == 0, errors
    assert stopped_in < 5.0, errors
    assert helpers  # the ingest ran in a child process
    _wait_until(lambda: not any(_alive(pid) for pid in helpers), 3)
    assert not any(_alive(pid) for pid in helpers)  # the ingest was stopped, not left running
    assert TOKEN not in errors
    engine = Engine(data_dir)
    assert [r.body for r in engine.reports] in (["柳州市城中区人民政府"], ["柳州市城中区人民政府", "柳州市鱼峰区人民政府"])
    assert "6487" in engine.answer("城中区2020年行政处罚有多少").text


def _wait_until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_passage_answer_for_a_passage_no_longer_held(prepared, data_dir):
    engine = engine_with(prepared, data_dir)
    assert engine.passage_answer("查阅点在哪里", "no-such-report", 1).kind == "none"
    shown = engine.passage_answer("查阅点在哪里", engine.reports[0].id, 1)
    assert shown.kind == "passage" and "来源" in shown.text
