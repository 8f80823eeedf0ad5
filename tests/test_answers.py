"""Answers over the real reports: exact figures (value, unit, the cell), everyday words, passages, clarify, none.

The bundled sample is always held; the reports of ../shared/corpus join it when that folder is
present, and the cases about them skip, saying so, when it is not.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.answer import Engine
from index.passages import refresh_index
from ingest.nationalformat import national_format, normalize_label
from ingest.run import ingest_paths
from ingest.values import parse_value
from tests.conftest import ROOT, SAMPLE, SHARED_CORPUS
from tests.test_corpus_reports import EXPECTED, printed

SHORT = {
    "liuzhou-chengzhong-2020.txt": "城中区",
    "huaian-2024.pdf": "淮安市",
    "hongze-2023.pdf": "洪泽区",
    "hongze-2024.pdf": "洪泽区",
}


SHARED_ABSENT = f"{SHARED_CORPUS} is absent: the real reports live in ../shared/corpus beside the repo"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    """The sample, and the shared reports when present."""
    directory = tmp_path_factory.mktemp("data")
    ingest_paths([SAMPLE] + ([SHARED_CORPUS] if SHARED_CORPUS.exists() else []), directory)
    refresh_index(directory)
    return directory


def needs(name: str) -> None:
    """Skip a case about a shared report when ../shared is absent (the sample is always here)."""
    if name != SAMPLE.name and not SHARED_CORPUS.exists():
        pytest.skip(SHARED_ABSENT)


def shared() -> None:
    if not SHARED_CORPUS.exists():
        pytest.skip(SHARED_ABSENT)


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
            path = " / ".join(block.row_path(row_key))
            yield pytest.param(name, f"{SHORT[name]}{expected['meta'][1]}年{words}有多少件", path, total,
                               id=f"{name}-{row_key}")


@pytest.mark.parametrize("name, question, path, raw", list(cases_table3()))
def test_every_table3_row(engine, name, question, path, raw):
    needs(name)
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    assert (answer.value, answer.unit) == (int(raw), "件")
    assert answer.report["year"] == EXPECTED[name]["meta"][1]
    assert answer.report["body"] == EXPECTED[name]["meta"][0]
    assert (answer.source["table"], answer.source["row"], answer.source["column"]) == (3, path, "总计")


def cases_table2_and_4():
    fmt = national_format()
    for name, expected in EXPECTED.items():
        version, year = expected["meta"][2], expected["meta"][1]
        for block in fmt.table(2).blocks_in(version):
            for row in block.rows:
                for column, raw in zip(block.columns, printed(expected["table2"][row.key])):
                    question = f"{SHORT[name]}{year}年{row.label}{column.label}是多少"
                    yield pytest.param(name, question, 2, (block, row, column), raw, id=f"{name}-{row.key}-{column.key}")
        values = expected["table4"].split()
        block = fmt.table(4).blocks[0]
        cells = [(r, c) for r in block.rows for c in block.columns]
        for (row, column), raw in zip(cells, values):
            question = f"{SHORT[name]}{year}年{row.group_label or ''}{row.label}{column.label}多少"
            yield pytest.param(name, question, 4, (block, row, column), raw, id=f"{name}-{row.key}-{column.key}")


@pytest.mark.parametrize("name, question, table, cell, raw", list(cases_table2_and_4()))
def test_every_table2_and_table4_cell(engine, name, question, table, cell, raw):
    needs(name)
    block, row, column = cell
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    assert (answer.value, answer.unit) == parse_value(raw, column.unit)
    assert answer.source["table"] == table and answer.source["column"] == column.label
    assert answer.source["row"].endswith(row.label)
    assert answer.report["body"] == EXPECTED[name]["meta"][0] and answer.report["year"] == EXPECTED[name]["meta"][1]


EVERYDAY = [
    # question, value, unit, the row's last label, the column
    ("城中区2020年罚款多少", 6487, "件", "行政处罚", "处理决定数量"),
    ("城中区2020年处罚了多少", 6487, "件", "行政处罚", "处理决定数量"),
    ("淮安2024年信息不存在的有几件", 769, "件", "1.本机关不掌握相关政府信息", "总计"),
    ("淮安市政府2024年查不到的申请多少", 769, "件", "1.本机关不掌握相关政府信息", "总计"),
    ("淮安2024年申请被拒了多少件", 178, "件", "（三）不予公开", "总计"),
    ("淮安2024年收到多少政府信息公开申请", 3119, "件", "一、本年新收政府信息公开申请数量", "总计"),
    ("淮安2024年企业申请了多少", 53, "件", "一、本年新收政府信息公开申请数量", "商业企业"),
    ("淮安2024年律所申请了多少", 61, "件", "一、本年新收政府信息公开申请数量", "法律服务机构"),
    ("洪泽区2023年行政复议结果维持几件", 10, "件", "行政复议", "结果维持"),
    ("洪泽区2024年被起诉了多少次", 4, "件", "行政诉讼", "总计"),
    ("城中区2020年信访举报投诉类的申请有多少", 5, "件", "1.信访举报投诉类申请", "总计"),
    ("淮安2024年结转到下一年的申请多少", 103, "件", "四、结转下年度继续办理", "总计"),
    ("淮安市人民政府2024年行政事业性收费金额", 96171.6, "万元", "行政事业性收费", "本年收费金额（单位：万元）"),
]


@pytest.mark.parametrize("question, value, unit, row, column", EVERYDAY)
def test_everyday_words_name_the_right_cell(engine, question, value, unit, row, column):
    if not question.startswith("城中区"):
        shared()
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    assert (answer.value, answer.unit) == (value, unit)
    assert answer.source["row"].split(" / ")[-1] == row and answer.source["column"] == column


def test_a_blank_cell_is_answered_as_blank_never_zero(engine):
    answer = engine.answer("城中区2020年行政查询事项法律服务机构申请多少")
    assert answer.kind == "figure" and answer.value is None
    assert "空白" in answer.text


def test_no_year_means_the_latest_report_said_plainly(engine):
    shared()
    answer = engine.answer("洪泽区收到多少申请")
    assert answer.value == 95 and answer.report["year"] == 2024
    assert "2024" in answer.text and "2023" in answer.text


def test_same_figure_over_the_years(engine):
    shared()
    answer = engine.answer("洪泽区历年收到多少申请")
    assert "2023年：21件" in answer.text and "2024年：95件" in answer.text


@pytest.mark.parametrize(
    "question, sentence, body, year, section",
    [
        ("淮安市政府信息公开的联系电话是多少", "如对本报告有疑问，请与淮安市人民政府办公室联系（地址：淮安市翔宇南道1号，"
         "邮编：223001，电话：0517-83605210，电子邮箱：hazwgkc@163.com）。", "淮安市人民政府", 2024, 0),
        ("城中区去哪里查阅政府信息", "2.在充分运用网络的同时,利用城中区政务服务中心、档案馆及图书馆(以下简称“一中心两馆”)三处政府信息公开"
         "查阅点公开纸质版政府信息,满足不同群体的人对政府信息公开查阅利用的需求,并在大厅设立了政府信息依申请公开受理点,"
         "落实相关工作人员及窗口人员。", "柳州市城中区人民政府", 2020, 1),
        ("淮安收取了多少信息处理费", "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。",
         "淮安市人民政府", 2024, 6),
        ("洪泽区2024年存在哪些问题", "2024年，全区政府信息公开工作虽取得一定成绩，但对照上级要求和群众期盼，仍存在一些不足，主要是："
         "个别部门对复杂申请件的研判能力不足，答复文书规范性有待提升，疑难问题协调处理机制尚需完善，政策解读的形式还不够丰富，"
         "政务新媒体运维管理还需加强等。", "淮安市洪泽区人民政府", 2024, 5),
    ],
)
def test_passage_questions_return_the_whole_sentence_that_answers(engine, question, sentence, body, year, section):
    shared()  # which passage ranks first depends on every passage held (BM25's statistics)
    answer = engine.answer(question)
    assert answer.kind == "passage", answer.text
    assert sentence in answer.text.replace("【", "").replace("】", "")
    assert (answer.report["body"], answer.report["year"], answer.source["section"]) == (body, year, section)
    assert answer.report["title"] in answer.text


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
    shared()
    answer = engine.answer(question)
    assert answer.kind == "none" and answer.value is None
    assert reason in answer.text and "我持有的报告" in answer.text


def test_a_question_several_reports_fit_gets_clarify(engine):
    shared()
    answer = engine.answer("行政处罚有多少")
    assert answer.kind == "clarify" and answer.value is None
    assert {c["body"] for c in answer.candidates} == {
        "柳州市城中区人民政府", "淮安市人民政府", "淮安市洪泽区人民政府", "上海市人民政府办公厅"
    }
    chosen = engine.answer("行政处罚有多少", report_id=answer.candidates[0]["id"])
    assert chosen.kind == "figure" and chosen.report["id"] == answer.candidates[0]["id"]


def test_never_another_years_number(engine):
    shared()
    answer = engine.answer("洪泽区2023年收到多少申请")
    assert answer.value == 21 and answer.report["year"] == 2023


def test_ask_stdin_answers_many_questions_in_one_process(corpus_dir):
    questions = [q for q, *_ in EVERYDAY if q.startswith("城中区") or SHARED_CORPUS.exists()] * 40
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
    shared()
    answer = engine.answer("洪泽区2023年行政复议总计是多少")
    assert answer.value == 0
    assert "不成立（0 对 11）" in answer.text and "照原文" in answer.text
    assert "不成立" not in engine.answer("洪泽区2024年行政复议总计是多少").text
    assert "不成立" not in engine.answer("洪泽区2023年收到多少申请").text
