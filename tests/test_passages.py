"""Passage answers: which paragraph a question gets, and what a quotable passage is."""

from __future__ import annotations

import dataclasses

import pytest

from bot.answer import Engine
from index.passages import ingest_and_index
from ingest.parse import parse_report
from reportgen import generate_report, render_text

BODY = "淮安市清江浦区人民政府"
PROBLEMS = "对照上级新要求，还有一些需要加强和改进的地方。主要是政策解读质量仍需提升，队伍建设还需进一步加强。"
PLANS = "下一步，本机关将建立健全“传帮带”机制，对新上岗人员开展“面对面、手把手”指导。"
LEAD_IN = "针对上年存在的主要问题，重点采取如下改进措施。"
MEASURES = "一是进一步提升政策公开质效，加大政策文件集成发布力度。"


def with_section5(paragraphs: list[str], seed: int = 1):
    report = generate_report(seed, body=BODY, year=2024)
    return dataclasses.replace(report, paragraphs={**report.paragraphs, 5: paragraphs})


def held_among_others(report, directory, data_dir) -> Engine:
    """The report with three other bodies' reports, whose 下一步…将 make those words common."""
    paths = []
    for number, each in enumerate([report, *(generate_report(100 + n, year=2023) for n in range(3))]):
        paths.append(directory / f"{number}.txt")
        paths[-1].write_text(render_text(each), "utf-8")
    ingest_and_index(paths, data_dir)
    return Engine(data_dir)


def test_a_question_word_no_report_uses_is_searched_as_the_words_reports_use(data_dir, tmp_path):
    """明年 is in no report: the question is about 下一步, not about the paragraph that says 改进."""
    engine = held_among_others(with_section5([PROBLEMS, PLANS]), tmp_path, data_dir)
    answer = engine.answer("清江浦区明年怎么改进")
    assert answer.kind == "passage" and answer.source["section"] == 5
    assert "传帮带" in answer.text


def test_a_sentence_that_announces_the_next_paragraph_is_quoted_with_it(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(render_text(with_section5([LEAD_IN, MEASURES])), "utf-8")
    texts = [p.text for p in parse_report(path).passages if p.section == 5]
    assert texts == [LEAD_IN + MEASURES]


def test_a_sentence_that_announces_a_table_or_ends_a_section_is_kept_as_it_is(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(render_text(with_section5([PROBLEMS, LEAD_IN])), "utf-8")
    texts = [p.text for p in parse_report(path).passages if p.section == 5]
    assert texts == [PROBLEMS, LEAD_IN]


def test_the_words_of_a_sections_subject_outweigh_the_words_for_the_work_as_a_whole(data_dir, tmp_path):
    """今后打算怎么做: 怎么做 points to 一、总体情况, 今后 and 打算 to 五; 五 answers."""
    engine = held_among_others(with_section5([PROBLEMS, PLANS]), tmp_path, data_dir)
    answer = engine.answer("清江浦区今后打算怎么做")
    assert answer.kind == "passage" and answer.source["section"] == 5
    assert "传帮带" in answer.text


SHORTCOMINGS = (
    "本机关政务公开工作仍有不足：一是政策解读形式较为单一，解读质量有待提升；"
    "二是政务公开专栏栏目设置有待优化，信息更新不够及时；三是工作人员业务能力有待进一步加强。"
)
REMEDIES = "针对存在的问题，下一步将开展政务公开业务培训，提升工作人员能力。"


def test_asking_what_the_problems_are_gets_the_problems_not_the_remedies(data_dir, tmp_path):
    """存在什么问题: the paragraph stating the shortcomings (不足, 有待), though the remedies repeat 问题."""
    engine = held_among_others(with_section5([SHORTCOMINGS, REMEDIES]), tmp_path, data_dir)
    answer = engine.answer("清江浦区政务公开存在什么问题")
    assert answer.kind == "passage" and answer.source["section"] == 5
    assert "政策解读形式较为单一" in answer.text
    assert "业务培训" in engine.answer("清江浦区政务公开存在的问题怎么改进").text


def test_asking_where_gets_the_counter_that_takes_applications(data_dir, tmp_path):
    """在哪里受理: the hall and its counter, not a paragraph that only says 信息公开申请 often."""
    where = "在区政务服务中心大厅设立政府信息依申请公开受理窗口，安排专人接待群众。"
    how = (
        "依法受理政府信息公开申请，对每一件政府信息公开申请逐件登记、逐件审核，"
        "严格按照法定期限答复信息公开申请，政府信息公开申请办理质量稳步提高。"
    )
    report = generate_report(1, body=BODY, year=2024)
    report = dataclasses.replace(report, paragraphs={**report.paragraphs, 1: [how, where, *report.paragraphs[1]]})
    engine = held_among_others(report, tmp_path, data_dir)
    answer = engine.answer("清江浦区在哪里受理信息公开申请")
    assert answer.kind == "passage" and "大厅" in answer.text


def two_years(tmp_path, data_dir, paragraphs_2023: list[str], paragraphs_2024: list[str]) -> Engine:
    """One body's reports of 2023 and 2024, each with its own section 一, among other bodies."""
    paths = []
    for year, extra in ((2023, paragraphs_2023), (2024, paragraphs_2024)):
        report = generate_report(year, body=BODY, year=year)
        report = dataclasses.replace(report, paragraphs={**report.paragraphs, 1: [*extra, *report.paragraphs[1]]})
        paths.append(tmp_path / f"{year}.txt")
        paths[-1].write_text(render_text(report), "utf-8")
    for n in range(3):
        paths.append(tmp_path / f"other-{n}.txt")
        paths[-1].write_text(render_text(generate_report(100 + n, year=2024)), "utf-8")
    ingest_and_index(paths, data_dir)
    return Engine(data_dir)


OLD_HALL = "本机关在区档案馆一楼设立蓝鲸阅览室，群众可以在蓝鲸阅览室现场查阅纸质文件。"
NEW_HALL = "蓝鲸阅览室已搬到区政务服务中心三楼。"


def test_a_body_named_without_a_year_is_answered_from_its_latest_report_and_says_so(data_dir, tmp_path):
    """The 2023 passage matches more words, but the body is asked about as it is now."""
    engine = two_years(tmp_path, data_dir, [OLD_HALL], [NEW_HALL])
    answer = engine.answer("清江浦区的蓝鲸阅览室在哪里")
    assert answer.kind == "passage" and answer.report["year"] == 2024
    assert "政务服务中心三楼" in answer.text
    assert "最新报告 2024 年" in answer.text and "还有 2023 年" in answer.text
    asked_for_2023 = engine.answer("清江浦区2023年的蓝鲸阅览室在哪里")
    assert asked_for_2023.report["year"] == 2023 and "档案馆一楼" in asked_for_2023.text
    assert "问题未说年份" not in asked_for_2023.text


def test_an_older_report_answers_when_the_latest_says_nothing_of_it_and_says_so(data_dir, tmp_path):
    engine = two_years(tmp_path, data_dir, [OLD_HALL], [])
    answer = engine.answer("清江浦区的蓝鲸阅览室在哪里")
    assert answer.kind == "passage" and answer.report["year"] == 2023 and "档案馆一楼" in answer.text
    assert "最新报告 2024 年里没有找到相关内容" in answer.text


def test_a_number_asked_about_is_marked_only_where_it_stands_whole():
    from bot.answer import mark

    assert mark("《条例》（国令第711号）规定，全年共受理11件", ["11"]) == "《条例》（国令第711号）规定，全年共受理【11】件"


@pytest.mark.parametrize("question", ["清江浦区2024年公报一共出了几期", "清江浦区网站一共发了多少条信息"])
def test_counting_words_of_a_question_weigh_nothing_in_its_search(data_dir, tmp_path, question):
    """一共出了几期: words in no report; they must not outweigh 公报, the word the passage holds."""
    paragraphs = ["全年编辑《清江浦区人民政府公报》6期，刊登区政府文件12件。", "全年通过门户网站公开信息13838条。"]
    report = generate_report(1, body=BODY, year=2024)
    report = dataclasses.replace(report, paragraphs={**report.paragraphs, 1: [*report.paragraphs[1], *paragraphs]})
    engine = held_among_others(report, tmp_path, data_dir)
    answer = engine.answer(question)
    assert answer.kind == "passage", answer.text
    assert ("6期" if "公报" in question else "13838条") in answer.text
