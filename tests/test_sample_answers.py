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
