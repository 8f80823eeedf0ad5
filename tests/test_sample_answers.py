"""Answers with only the bundled sample held: what `make run` shows a new user."""

from __future__ import annotations

import pytest

from bot.answer import Engine
from index.passages import refresh_index
from ingest.run import ingest_paths
from tests.conftest import SAMPLE


@pytest.fixture
def engine(data_dir):
    ingest_paths([SAMPLE], data_dir)
    refresh_index(data_dir)
    return Engine(data_dir)


@pytest.mark.parametrize(
    "question",
    [
        "洪泽区收到多少申请",
        "北京市海淀区罚款多少",
        "盐亭县统计局2019年行政处罚",
        "南京鼓楼区政府收到多少申请",
        "淮安2020年罚款多少",  # 2020 is held, for 城中区: not a figure for 淮安
    ],
)
def test_a_place_not_held_is_never_answered_with_the_one_report_held(engine, question):
    answer = engine.answer(question)
    assert answer.kind == "none" and answer.value is None, answer.text
    assert "柳州市城中区人民政府（2020年）" in answer.text


def test_the_one_report_held_answers_questions_that_name_no_body(engine):
    answer = engine.answer("行政处罚有多少")
    assert answer.kind == "figure" and answer.value == 6487
    assert answer.report["body"] == "柳州市城中区人民政府"


def test_a_passage_question_with_words_tagged_as_places_still_searches(engine):
    answer = engine.answer("政务公开工作的深度和广度有什么问题")
    assert answer.kind == "passage"


def test_an_unrelated_question_is_not_in_the_reports(engine):
    answer = engine.answer("明天会下雨吗")
    assert answer.kind == "none"


def test_a_department_of_a_place_held_is_another_body(engine):
    """柳州市城中区 is held; its 教育局 publishes a report of its own, which is not."""
    answer = engine.answer("城中区教育局2020年行政处罚有多少")
    assert answer.kind == "none" and "城中区教育局" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "柳州市2020年收到多少政府信息公开申请",  # the city, not its district
        "柳州市政府罚了多少款",
        "西宁市城中区2020年行政处罚有多少",  # another city's 城中区
        "我们县收到多少申请",  # a place named by no name
        "哪个区罚款最多",
        "开发区2020年行政处罚多少",
    ],
)
def test_a_place_that_is_not_the_body_held_gets_no_figure(engine, question):
    answer = engine.answer(question)
    assert answer.kind == "none" and answer.value is None, answer.text


@pytest.mark.parametrize(
    "question, table, row, column, value",
    [
        # The row and the column each named in everyday words, and never another row's figure.
        ("城中区政府集中采购项目数量是多少", 2, "第二十条第（九）项 / 政府集中采购", "采购项目数量", 868),
        ("城中区2020年政府集中采购金额", 2, "第二十条第（九）项 / 政府集中采购", "采购总金额", 2694.35),
        ("柳州城中区罚了多少款", 2, "第二十条第（六）项 / 行政处罚", "处理决定数量", 6487),
        ("城中区行政处罚比上一年增加了多少", 2, "第二十条第（六）项 / 行政处罚", "本年增/减", 1945),
        ("城中区败诉了几件", 4, "行政诉讼", "结果纠正", 0),
        ("城中区还没办完转到下一年的申请有几件", 3, "四、结转下年度继续办理", "总计", 0),
        ("城中区要求确认的申请有几件", 3, "三、本年度办理结果 / （五）不予处理 / 5.要求行政机关确认或重新出具已获取信息", "总计", 0),
        ("城中区自然人申请中本机关不掌握的有多少", 3, "三、本年度办理结果 / （四）无法提供 / 1.本机关不掌握相关政府信息", "自然人", 16),
        ("城中区收到的申请超过20件了吗", 3, "一、本年新收政府信息公开申请数量", "总计", 31),  # 20 is no year
        ("城中区第二十条第六项行政强制多少", 2, "第二十条第（六）项 / 行政强制", "处理决定数量", 909),
        ("城中区2020年查无此信息的有几件", 3, "三、本年度办理结果 / （四）无法提供 / 1.本机关不掌握相关政府信息", "总计", 18),
        ("城中区2020年企业申请给予公开的有几件", 3, "三、本年度办理结果 / （一）予以公开", "商业企业", 2),
        ("城中区2020年其实是投诉举报的有几件", 3, "三、本年度办理结果 / （五）不予处理 / 1.信访举报投诉类申请", "总计", 5),
        ("城中区2020年新制定了几部规章", 2, "第二十条第（一）项 / 规章", "本年新制作数量", 0),
        ("城中区2020年转到明年的申请有几件", 3, "四、结转下年度继续办理", "总计", 0),
        # Two words each naming one column (个人, 一共): the first said, as ever.
        ("城中区2020年个人申请一共办结了多少", 3, "三、本年度办理结果 / （七）总计", "自然人", 28),
        # The sub-row's heading named too: its words are the row's.
        ("城中区2020年无法提供的申请里本机关不掌握的有多少", 3, "三、本年度办理结果 / （四）无法提供 / 1.本机关不掌握相关政府信息", "总计", 18),
        ("城中区2020年集采金额超过2000万了吗", 2, "第二十条第（九）项 / 政府集中采购", "采购总金额", 2694.35),
    ],
)
def test_everyday_words_reach_their_cell(engine, question, table, row, column, value):
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    assert (answer.value, answer.source["table"], answer.source["row"], answer.source["column"]) == (
        value, table, row, column
    )


@pytest.mark.parametrize(
    "question",
    [
        "城中区2020年信访举报投诉类申请因为内容涉及多个部门有多少",  # words the cell does not account for
        "城中区复议以后法院判了什么",
        "城中区信访举报投诉类申请因为内容涉及多个部门有多少",  # no year named: the words still count
        "城中区第五项行政强制多少",  # 行政强制 is in 第二十条第（六）项: which is meant?
    ],
)
def test_a_question_asking_more_than_the_cell_gets_no_figure(engine, question):
    answer = engine.answer(question)
    assert answer.kind != "figure" and answer.value is None, answer.text


def test_a_question_about_a_column_the_reports_format_lacks_gets_no_figure(engine):
    answer = engine.answer("城中区2020年废止了几件规范性文件")  # 本年废止件数 is a 2021-format column
    assert answer.kind == "none" and "2019年版格式" in answer.text


@pytest.mark.parametrize(
    "question, words",
    [
        ("城中区政府信息公开工作是怎么做的", "牵头组织实施政府信息公开工作"),
        ("城中区怎么公开信息", "依托城中区门户网站"),
    ],
)
def test_a_broad_question_about_the_bodys_work_gets_its_overview(engine, question, words):
    answer = engine.answer(question)
    assert answer.kind == "passage" and answer.source["section"] == 1
    assert words in answer.text


def test_a_question_about_something_else_gets_none_not_a_passage(engine):
    assert engine.answer("帮我写一首关于春天的诗").kind == "none"


def test_every_example_the_bot_offers_is_answered(engine):
    examples = engine.example_questions()
    assert len(examples) >= 3
    for question in examples:
        assert engine.answer(question).kind in ("figure", "passage"), question


@pytest.mark.parametrize(
    "question", ["城中区19年罚款多少", "城中区二〇一九年罚款多少", "城中区两年前罚款多少", "城中区12020年罚款多少", "城中区3000年罚款多少"]
)
def test_a_year_written_as_people_write_it_is_never_answered_with_another_year(engine, question):
    """19年 and 二〇一九年 are 2019, not held: never the 2020 figure as if no year had been said."""
    answer = engine.answer(question)
    assert answer.kind == "none" and answer.value is None, answer.text


@pytest.mark.parametrize("question", ["城中区20年罚款多少", "城中区二〇二〇年罚款多少", "城中区二零二零年罚了多少款"])
def test_a_year_in_two_digits_or_chinese_digits_reaches_its_report(engine, question):
    answer = engine.answer(question)
    assert (answer.kind, answer.value, answer.report["year"]) == ("figure", 6487, 2020), answer.text


def test_a_governments_own_office_has_no_figures_of_its_own_but_its_governments_report_says_where_it_is(engine):
    """城中区政府办公室 is not 城中区人民政府: never the government's figures for it; but the
    report the office writes for the government answers where the office is."""
    assert engine.answer("城中区政府办公室收到多少申请").value is None
    for question in ("城中区政府办公室在哪里", "城中区府办在哪里"):
        where = engine.answer(question)
        assert where.kind == "passage" and where.report["body"] == "柳州市城中区人民政府", question


@pytest.mark.parametrize("question", ["城中区2020年收费多少", "城中区行政事业性收费"])
def test_how_much_was_charged_is_an_amount_the_2019_format_does_not_print(engine, question):
    """The 2019 format's fee rows hold counts of fee items: never one given for an amount."""
    answer = engine.answer(question)
    assert answer.kind != "figure" and answer.value is None, answer.text
