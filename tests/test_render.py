"""Formatting for Telegram: HTML escaping, bold matched words, messages under the length limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import render
from bot.answer import Answer, Engine
from bot.render import MESSAGE_LIMIT, answer_messages, html_messages, split_text
from index.passages import refresh_index
from ingest.run import FileOutcome, IngestSummary, ingest_paths
from tests.conftest import SAMPLE


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ('他说“公开”和 "quote"', '他说“公开”和 "quote"'),  # quote=False: quotes stay as written
        ("<b>not a tag</b>", "&lt;b&gt;not a tag&lt;/b&gt;"),
    ],
)
def test_report_text_is_escaped(text, html):
    assert html_messages(text) == [html]


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("【查阅点】在大厅", "<b>查阅点</b>在大厅"),
        ("【a<b】", "<b>a&lt;b</b>"),
        ("【字体: 大 中 小", "【字体: 大 中 小"),  # an unmatched bracket from the report stays text
        ("【跨\n行】", "【跨\n行】"),
        ("【政府】【信息】", "<b>政府</b><b>信息</b>"),
    ],
)
def test_marks_become_bold_in_passages(text, html):
    assert answer_messages(Answer("q", "passage", text)) == [html]


def test_marks_stay_as_written_outside_passages():
    assert answer_messages(Answer("q", "figure", "表【1】：5件")) == ["表【1】：5件"]


def test_short_text_is_one_message():
    assert split_text("一行\n两行") == ["一行\n两行"]


def test_long_text_is_cut_at_line_boundaries():
    lines = [f"第{i}行：" + "政府信息公开" * 20 for i in range(200)]
    text = "\n".join(lines)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(utf16(p) <= MESSAGE_LIMIT for p in pieces)
    assert [line for p in pieces for line in p.split("\n")] == lines  # no line was cut


def test_blank_lines_are_preferred_to_lines():
    paragraph = "\n".join(["甲" * 100] * 20)  # 2019 characters
    pieces = split_text(f"{paragraph}\n\n{paragraph}\n\n{paragraph}")
    assert pieces == [f"{paragraph}\n\n{paragraph}", paragraph]


def test_a_line_too_long_is_cut_after_a_sentence():
    sentence = "本机关认真落实政府信息公开工作。"
    line = sentence * 400  # 6400 characters on one line
    pieces = split_text(line)
    assert all(utf16(p) <= MESSAGE_LIMIT for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == line


def test_text_without_any_break_is_cut_hard_and_counted_in_utf16():
    text = "😀" * 3000  # each one is two UTF-16 code units
    pieces = split_text(text)
    assert [utf16(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == text


def test_escaping_happens_after_splitting():
    text = "&" * 5000
    messages = html_messages(text)
    assert len(messages) == 2
    assert messages[0] == "&amp;" * 4096  # the limit counts characters as shown, not the HTML


def test_nothing_to_say_is_still_a_message():
    assert split_text("\n\n") == ["…"]


def test_a_real_passage_answer(tmp_path: Path):
    ingest_paths([SAMPLE], tmp_path, workers=1)
    refresh_index(tmp_path, 1)
    answer = Engine(tmp_path).answer("城中区政府信息公开查阅点在哪里")
    assert answer.kind == "passage"
    [html] = answer_messages(answer)
    assert "<b>" in html and "来源：" in html
    assert html.count("<b>") == html.count("</b>")


def test_command_texts():
    assert "/reingest" in render.help_text(["问题？"], admin=True)
    assert "/reingest" not in render.help_text(["问题？"])
    assert "发送报告文件" in render.help_text(["问题？"], admin=True)
    assert "发送报告文件" not in render.help_text(["问题？"])  # only admins may upload
    assert "/ask 城中区有多少" in render.ask_usage("城中区有多少")
    assert "我还没有任何报告" in render.reports_text([])
    assert "（还没有）" in render.stats_text(0, 0, None)
    assert "12 毫秒" in render.stats_text(1, 3, 12.4)
    assert render.candidate_label({"body": "柳州市城中区人民政府", "year": 2020}) == "柳州市城中区人民政府 2020年"


def test_reports_lists_bodies_with_their_years_and_stops_at_a_readable_length():
    from types import SimpleNamespace

    held = [SimpleNamespace(body=f"第{n:04d}号单位", year=year) for n in range(120) for year in (2023, 2024)]
    text = render.reports_text(held)
    assert text.startswith("我持有 120 个单位的 240 份报告")
    assert "· 第0000号单位：2023、2024年" in text
    assert text.count("\n· ") == render.LISTED_BODIES
    assert "另有 70 个单位" in text
    assert len(render.html_messages(text)) == 1


def test_an_ingest_is_told_in_chinese_with_each_refusal_named_and_its_reason_kept():
    summary = IngestSummary(
        [
            FileOutcome("/up/a.txt", "ingested", "3-2020", "柳州市城中区人民政府", 2020, warnings=["表3合计不符"]),
            FileOutcome(
                "/up/b.txt", "refused", reason="/up/b.txt: 1,118,888 characters of text, over the limit of "
                "1,000,000 (max_text_chars)", refusal="over_limit",
            ),
            FileOutcome("/up/c.pdf", "refused", reason="/up/c.pdf: could not be written to the disk", refusal="disk_failure"),
        ],
        stopped="the disk is full",
        not_tried=["/up/d.pdf"],
    )
    assert render.ingest_text(summary, "/up/").splitlines() == [
        "导入结果：导入 1 份，替换 0 份，拒收 2 份，警告 1 条；中途停止，没有尝试：d.pdf",
        "已导入 a.txt：柳州市城中区人民政府 2020年（编号 3-2020），警告 1 条",
        "  警告：表3合计不符",
        "拒收 b.txt：超过导入限制（1,118,888 characters of text, over the limit of 1,000,000 (max_text_chars)）",
        "拒收 c.pdf：写入磁盘失败（磁盘可能已满），这份文件什么也没有存（could not be written to the disk）",
    ]
