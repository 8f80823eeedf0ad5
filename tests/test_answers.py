"""Answers over the four real reports: exact figures, everyday words, passages, clarify, none."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.answer import Engine
from index.passages import refresh_index
from ingest.nationalformat import national_format, normalize_label
from ingest.run import ingest_paths
from tests.conftest import ROOT, SAMPLE, SHARED_CORPUS
from tests.test_corpus_reports import EXPECTED, printed

SHORT = {
    "liuzhou-chengzhong-2020.txt": "城中区",
    "huaian-2024.pdf": "淮安市",
    "hongze-2023.pdf": "洪泽区",
    "hongze-2024.pdf": "洪泽区",
}


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    if not SHARED_CORPUS.exists():
        pytest.skip(f"{SHARED_CORPUS} is absent: the real reports live in ../shared/corpus beside the repo")
    directory = tmp_path_factory.mktemp("data")
    ingest_paths([SHARED_CORPUS], directory)
    refresh_index(directory)
    return directory


@pytest.fixture(scope="module")
def engine(corpus_dir):
    return Engine(corpus_dir)


def cases_table3():
    block = national_format().table(3).blocks[0]
    for name, expected in EXPECTED.items():
        for row_key, cells in expected["table3"].items():
            row = block.row(row_key)
            total = printed(cells)[-1]
            words = normalize_label(row.label)
            if words in ("总计", "其他"):  # column headers too: people say which one, （七）总计
                words = row.label
            yield pytest.param(name, f"{SHORT[name]}{expected['meta'][1]}年{words}有多少件", total,
                               id=f"{name}-{row_key}")


@pytest.mark.parametrize("name, question, raw", list(cases_table3()))
def test_every_table3_row(engine, name, question, raw):
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    assert answer.value == int(raw)
    assert answer.report["year"] == EXPECTED[name]["meta"][1]
    assert answer.report["body"] == EXPECTED[name]["meta"][0]
    assert answer.source["table"] == 3 and answer.source["column"] == "总计"


def cases_table2_and_4():
    fmt = national_format()
    for name, expected in EXPECTED.items():
        version, year = expected["meta"][2], expected["meta"][1]
        for block in fmt.table(2).blocks_in(version):
            for row in block.rows:
                for column, raw in zip(block.columns, printed(expected["table2"][row.key])):
                    question = f"{SHORT[name]}{year}年{row.label}{column.label}是多少"
                    yield pytest.param(name, question, 2, raw, id=f"{name}-{row.key}-{column.key}")
        values = expected["table4"].split()
        block = fmt.table(4).blocks[0]
        cells = [(r, c) for r in block.rows for c in block.columns]
        for (row, column), raw in zip(cells, values):
            question = f"{SHORT[name]}{year}年{row.group_label or ''}{row.label}{column.label}多少"
            yield pytest.param(name, question, 4, raw, id=f"{name}-{row.key}-{column.key}")


@pytest.mark.parametrize("name, question, table, raw", list(cases_table2_and_4()))
def test_every_table2_and_table4_cell(engine, name, question, table, raw):
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    assert answer.source["table"] == table
    assert raw in answer.text or str(answer.value) in raw
    assert answer.report["body"] == EXPECTED[name]["meta"][0] and answer.report["year"] == EXPECTED[name]["meta"][1]


EVERYDAY = [
    ("城中区2020年罚款多少", 6487, "行政处罚"),
    ("城中区2020年处罚了多少", 6487, "行政处罚"),
    ("淮安2024年信息不存在的有几件", 769, "本机关不掌握相关政府信息"),
    ("淮安市政府2024年查不到的申请多少", 769, "本机关不掌握相关政府信息"),
    ("淮安2024年申请被拒了多少件", 178, "不予公开"),
    ("淮安2024年收到多少政府信息公开申请", 3119, "本年新收政府信息公开申请数量"),
    ("淮安2024年企业申请了多少", 53, "本年新收政府信息公开申请数量"),
    ("淮安2024年律所申请了多少", 61, "本年新收政府信息公开申请数量"),
    ("洪泽区2023年行政复议结果维持几件", 10, "行政复议"),
    ("洪泽区2024年被起诉了多少次", 4, "行政诉讼"),
    ("城中区2020年信访举报投诉类的申请有多少", 5, "信访举报投诉类申请"),
    ("淮安2024年结转到下一年的申请多少", 103, "结转下年度继续办理"),
    ("淮安市人民政府2024年行政事业性收费金额", 96171.6, "行政事业性收费"),
]


@pytest.mark.parametrize("question, value, words", EVERYDAY)
def test_everyday_words_name_the_right_cell(engine, question, value, words):
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    assert answer.value == value
    assert words in answer.source["row"]


def test_a_blank_cell_is_answered_as_blank_never_zero(engine):
    answer = engine.answer("城中区2020年行政查询事项法律服务机构申请多少")
    assert answer.kind == "figure" and answer.value is None
    assert "空白" in answer.text


def test_no_year_means_the_latest_report_said_plainly(engine):
    answer = engine.answer("洪泽区收到多少申请")
    assert answer.value == 95 and answer.report["year"] == 2024
    assert "2024" in answer.text and "2023" in answer.text


def test_same_figure_over_the_years(engine):
    answer = engine.answer("洪泽区历年收到多少申请")
    assert "2023年：21件" in answer.text and "2024年：95件" in answer.text


@pytest.mark.parametrize(
    "question, expected_words",
    [
        ("淮安市政府信息公开的联系电话是多少", "0517-83605210"),
        ("城中区去哪里查阅政府信息", "查阅"),
        ("淮安收取了多少信息处理费", "3940元"),
        ("洪泽区2024年存在哪些问题", "不足"),
    ],
)
def test_passage_questions_return_a_passage_with_the_answer(engine, question, expected_words):
    answer = engine.answer(question)
    assert answer.kind == "passage", answer.text
    assert expected_words in answer.text
    assert "来源" in answer.text and answer.report["title"] in answer.text


@pytest.mark.parametrize(
    "question, reason",
    [
        ("北京市海淀区2020年罚款多少", "海淀区"),
        ("洪泽区2021年收到多少申请", "2021"),
        ("城中区2024年行政处罚多少", "2024"),
        ("2019年收到多少申请", "2019"),
    ],
)
def test_a_body_or_year_not_held_gives_none(engine, question, reason):
    answer = engine.answer(question)
    assert answer.kind == "none" and answer.value is None
    assert reason in answer.text and "我持有的报告" in answer.text


def test_a_question_several_reports_fit_gets_clarify(engine):
    answer = engine.answer("行政处罚有多少")
    assert answer.kind == "clarify" and answer.value is None
    assert {c["body"] for c in answer.candidates} == {
        "柳州市城中区人民政府", "淮安市人民政府", "淮安市洪泽区人民政府", "上海市人民政府办公厅"
    }
    chosen = engine.answer("行政处罚有多少", report_id=answer.candidates[0]["id"])
    assert chosen.kind == "figure" and chosen.report["id"] == answer.candidates[0]["id"]


def test_never_another_years_number(engine):
    answer = engine.answer("洪泽区2023年收到多少申请")
    assert answer.value == 21 and answer.report["year"] == 2023


def test_ask_stdin_answers_many_questions_in_one_process(corpus_dir):
    questions = [q for q, _, _ in EVERYDAY] * 8
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "-", "--json", "--data", str(corpus_dir)],
        input="\n".join(questions[:100]) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 100
    assert all(a["latency_ms"] > 0 and a["kind"] == "figure" for a in answers)
    assert [a["question"] for a in answers] == questions[:100]


def test_a_figure_whose_published_sum_breaks_says_so_and_keeps_the_published_number(engine):
    answer = engine.answer("洪泽区2023年行政复议总计是多少")
    assert answer.value == 0
    assert "不成立（0 对 11）" in answer.text and "照原文" in answer.text
    assert "不成立" not in engine.answer("洪泽区2024年行政复议总计是多少").text
    assert "不成立" not in engine.answer("洪泽区2023年收到多少申请").text
