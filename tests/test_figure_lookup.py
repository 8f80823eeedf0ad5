"""One report's figure for a cell: the value and the cell, rows added up, blanks never 0, the
format's version, and what the report says against the cell."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.answer import Engine
from index.passages import ingest_and_index
from reportgen import generate_report, render_html

HUAIYIN = "淮安市淮阴区人民政府"
QINGJIANGPU = "淮安市清江浦区人民政府"
HUAIAN = "淮安市淮安区人民政府"
HONGZE = "淮安市洪泽区人民政府"
TABLE4_COLUMNS = ("upheld", "corrected", "other_result", "pending", "total")


def cell(report, table: int, row: str, column: str):
    return next(v for k, (v, _) in report.cells.items() if (k[0], k[2], k[3]) == (table, row, column))


def printed(report, changes: dict):
    """The report with some cells printed otherwise: a number, or None for a blank."""
    cells = dict(report.cells)
    for (table, row, column), value in changes.items():
        key = next(k for k in cells if (k[0], k[2], k[3]) == (table, row, column))
        cells[key] = (value, "" if value is None else str(value))
    return dataclasses.replace(report, cells=cells)


HUAIYIN_2022 = generate_report(5, body=HUAIYIN, year=2022)
HUAIYIN_2020 = generate_report(6, body=HUAIYIN, year=2020)
# 新收 总计 one more than its parts: its row sum and the balance of Table 3 break.
QINGJIANGPU_2022 = generate_report(7, body=QINGJIANGPU, year=2022)
QINGJIANGPU_2022 = printed(QINGJIANGPU_2022, {
    (3, "new", "total"): cell(QINGJIANGPU_2022, 3, "new", "total") + 1,
    (4, "review", "total"): cell(QINGJIANGPU_2022, 4, "review", "total") + 1,  # and Table 4's 行政复议 row
})
# 行政诉讼: 2 upheld without review, the 复议后起诉 upheld cell blank.
LITIGATION = {(4, row, column): 0 for row in ("litigation_direct", "litigation_after_review") for column in TABLE4_COLUMNS}
LITIGATION.update({(4, "litigation_direct", "upheld"): 2, (4, "litigation_direct", "total"): 2})
HUAIAN_2022 = printed(generate_report(8, body=HUAIAN, year=2022), {**LITIGATION, (4, "litigation_after_review", "upheld"): None})
# One more application carried over from 2021 (and disclosed) than 2021 carried forward: every sum still holds.
HUAIAN_2021 = generate_report(10, body=HUAIAN, year=2021)
HUAIAN_2022 = printed(HUAIAN_2022, {
    (3, row, column): cell(HUAIAN_2022, 3, row, column) + 1
    for row in ("carried_over", "disclosed", "results_total") for column in ("natural_persons", "total")
})


# A report whose 2.重复申请 row is lost (its <tr> taken out): Table 3 is read without it.
HONGZE_2022 = generate_report(12, body=HONGZE, year=2022)
HONGZE_2022 = printed(HONGZE_2022, {(3, "repeated", "total"): 4, (3, "repeated", "natural_persons"): 4})


def without_row(html: str, label: str) -> str:
    (row,) = re.findall(rf"<tr>(?:(?!</tr>).)*{re.escape(label)}(?:(?!</tr>).)*</tr>", html, flags=re.S)
    return html.replace(row, "")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    paths = []
    for number, report in enumerate([HUAIYIN_2022, HUAIYIN_2020, QINGJIANGPU_2022, HUAIAN_2022, HUAIAN_2021, HONGZE_2022]):
        path = folder / f"{number}.html"
        html = render_html(report)
        path.write_text(without_row(html, "2.重复申请") if report is HONGZE_2022 else html, "utf-8")
        paths.append(path)
    # A report from before the national format: text only.
    paths.append(folder / "2018.txt")
    paths[-1].write_text(
        f"{HUAIYIN}2018年政府信息公开工作年度报告\n\n一、概述\n\n2018年，我区认真贯彻《中华人民共和国政府信息公开条例》，"
        "全年共受理政府信息公开申请12件，均已按时答复。\n\n二、主动公开政府信息情况\n\n全年主动公开政府信息356条。\n",
        "utf-8",
    )
    data = folder / "data"
    ingest_and_index(paths, data)
    return Engine(data)


def figure(engine, question):
    answer = engine.answer(question)
    assert answer.kind == "figure", answer.text
    return answer


def not_a_figure(engine, question):
    """No number stated: none, a passage or a clarify, as long as no figure is given."""
    answer = engine.answer(question)
    assert answer.kind != "figure" and answer.value is None, answer.text
    return answer


def no_figure(engine, question):
    answer = engine.answer(question)
    assert answer.kind == "none" and answer.value is None, answer.text
    return answer


def test_one_cell_with_its_applicants(engine):
    answer = figure(engine, "淮阴区2022年新收申请多少")
    new = cell(HUAIYIN_2022, 3, "new", "total")
    assert (answer.value, answer.unit) == (new, "件")
    assert (answer.source["row"], answer.source["column"], answer.source["raw"]) == ("一、本年新收政府信息公开申请数量", "总计", str(new))
    assert answer.report["year"] == 2022
    parts = [
        f"{label} {cell(HUAIYIN_2022, 3, 'new', key)}件"
        for key, label in [("natural_persons", "自然人"), ("businesses", "商业企业"), ("research", "科研机构"),
                           ("public_interest", "社会公益组织"), ("legal_services", "法律服务机构"), ("other_orgs", "其他")]
        if cell(HUAIYIN_2022, 3, "new", key)
    ]
    assert f"为 {new}件。其中{'，'.join(parts)}。\n来源：" in answer.text
    assert "注意" not in answer.text


def test_an_applicant_column_is_one_cell_without_a_breakdown(engine):
    answer = figure(engine, "淮阴区2022年新收申请自然人多少")
    assert (answer.value, answer.source["column"]) == (cell(HUAIYIN_2022, 3, "new", "natural_persons"), "自然人")
    assert "其中" not in answer.text


def test_rows_asked_together_are_added_up_and_each_shown(engine):
    answer = figure(engine, "淮阴区2022年行政诉讼多少件")
    direct, after_review = (cell(HUAIYIN_2022, 4, row, "total") for row in ("litigation_direct", "litigation_after_review"))
    assert (answer.value, answer.unit) == (direct + after_review, "件")
    assert (answer.source["row"], answer.source["column"]) == ("行政诉讼", "总计")
    assert answer.source["rows"] == ["未经复议直接起诉", "复议后起诉"]
    assert f"共 {direct + after_review}件，是以下各项相加：未经复议直接起诉 {direct}件，复议后起诉 {after_review}件。" in answer.text


def test_rows_added_up_with_a_blank_give_no_total(engine):
    """未经复议直接起诉 2 and 复议后起诉 blank: the total is not 2, it is not known."""
    answer = figure(engine, "淮安区2022年行政诉讼结果维持多少")
    assert answer.value is None
    assert "未经复议直接起诉 2件，复议后起诉 空白；其中有空白的格，无法给出合计。" in answer.text
    assert "共 2" not in answer.text


def test_a_blank_cell_is_said_blank_never_0(engine):
    answer = figure(engine, "淮安区2022年复议后起诉结果维持多少")
    assert (answer.value, answer.source["raw"]) == (None, "")
    assert (answer.source["row"], answer.source["column"]) == ("行政诉讼 / 复议后起诉", "结果维持")
    assert "这一格在报告中是空白的，没有填写数字。" in answer.text


def test_a_change_is_given_signed_with_what_the_report_printed(engine):
    answer = figure(engine, "淮阴区2020年行政事业性收费本年增/减多少")
    change = cell(HUAIYIN_2020, 2, "fees", "change")
    assert (answer.value, answer.unit) == (change, "项")
    assert (answer.source["row"], answer.source["column"]) == ("第二十条第（八）项 / 行政事业性收费", "本年增/减")
    raw = next(r for k, (_, r) in HUAIYIN_2020.cells.items() if (k[0], k[2], k[3]) == (2, "fees", "change"))
    shown = f"为 {change}项（原文“{raw}”）。" if raw != str(change) else f"为 {change}项。"
    assert shown in answer.text


def test_a_column_the_reports_version_lacks_is_no_figure(engine):
    answer = no_figure(engine, "淮阴区2022年收费本年增/减多少")
    assert "2021年版格式（国办公开办函〔2021〕30号），其表2中“收费”没有“本年增/减”这一列。" in answer.text


def test_a_row_the_reports_version_lacks_is_no_figure(engine):
    answer = no_figure(engine, "淮阴区2020年未按收费通知的申请有多少")
    assert "2019年版格式（国办公开办函〔2019〕60号），其表格中没有“未按收费通知”这一项。" in answer.text


def test_a_broken_sum_through_the_cell_is_said_with_the_figure(engine):
    answer = figure(engine, "清江浦区2022年新收申请多少")
    new = cell(QINGJIANGPU_2022, 3, "new", "total")
    assert answer.value == new
    # Each caution a line of its own, between the figure and its source.
    assert f"注意：报告中“总计 = 自然人 + 法人或其他组织”在此处不成立（{new} 对 {new - 1}），以上数字照原文给出。" in answer.text.splitlines()
    assert "注意：报告中“一 + 二 = 三（七）总计 + 四”在此处不成立" in answer.text
    # The report's prose still gives the number the parts add up to.
    assert f"申请{new - 1}件”，与表中数字不同；以上数字照表格给出。" in answer.text


def test_a_broken_row_sum_is_said_for_each_cell_of_the_row(engine):
    answer = figure(engine, "清江浦区2022年新收申请自然人多少")
    assert "“总计 = 自然人 + 法人或其他组织”在此处不成立" in answer.text
    assert "一 + 二 = 三" not in answer.text  # that sum holds in the 自然人 column


def test_a_sum_broken_elsewhere_in_the_column_is_not_said(engine):
    answer = figure(engine, "清江浦区2022年予以公开多少")
    assert answer.value == cell(QINGJIANGPU_2022, 3, "disclosed", "total")
    assert "不成立" not in answer.text


def test_a_heading_row_adds_up_its_rows_without_a_breakdown_by_applicant(engine):
    answer = figure(engine, "淮阴区2022年不予公开多少")
    parts = ["state_secret", "prohibited_by_law", "three_securities", "third_party", "internal_affairs",
             "process_information", "enforcement_files", "administrative_query"]
    assert answer.value == sum(cell(HUAIYIN_2022, 3, row, "total") for row in parts)
    assert "是以下各项相加：1.属于国家秘密" in answer.text and "其中" not in answer.text


def test_a_carry_over_unlike_last_years_is_said_only_for_the_carry_over(engine):
    carried = figure(engine, "淮安区2022年上年结转多少")
    assert carried.value == cell(HUAIAN_2022, 3, "carried_over", "total")
    assert "注意：本年的上年结转数与2021年报告的结转下年度数不一致。" in carried.text.splitlines()
    assert "注意" not in figure(engine, "淮安区2022年新收申请多少").text


def test_a_report_from_before_the_national_format_has_no_table_figures(engine):
    answer = no_figure(engine, "淮阴区2018年新收申请多少")
    assert answer.text.startswith("淮安市淮阴区人民政府 2018年的报告不是国家统一格式（2019年以前），没有可查的表格数字。")


def test_words_that_only_hint_at_a_column_leave_the_tables_default(engine):
    """多少件 hints at 处理决定数量, which 规范性文件 lacks: its default column answers."""
    answer = figure(engine, "淮阴区2020年规范性文件多少件")
    assert (answer.source["column"], answer.value) == ("对外公开总数量", cell(HUAIYIN_2020, 2, "normative_documents", "in_force"))


def test_a_row_not_read_is_no_figure(engine):
    answer = no_figure(engine, "洪泽区2022年重复申请多少")
    assert answer.text.startswith("淮安市洪泽区人民政府 2022年的报告中没有读到表3里“重复申请”这一格。")


def test_a_heading_with_a_row_not_read_has_no_total(engine):
    """（五）不予处理 adds up five rows; with 2.重复申请 (4件) not read, the other four are not its total."""
    answer = no_figure(engine, "洪泽区2022年不予处理多少")
    assert "没有读到表3里“不予处理”这一格" in answer.text


def test_a_change_the_2019_format_prints_is_that_one_figure(engine):
    answer = figure(engine, "淮阴区2020年行政处罚本年增加了多少")
    assert (answer.source["column"], answer.value) == ("本年增/减", cell(HUAIYIN_2020, 2, "penalties", "change"))


def test_a_change_between_years_is_worked_out_across_the_formats(engine):
    answer = engine.answer("淮阴区2022年行政处罚比2020年增加了多少")
    assert answer.kind == "series"
    old, new = cell(HUAIYIN_2020, 2, "penalties", "decisions"), cell(HUAIYIN_2022, 2, "penalties", "decisions")
    assert [(r["report"]["year"], r["value"]) for r in answer.rows] == [(2020, old), (2022, new)]
    assert answer.change["delta"] == new - old


def test_a_series_keeps_the_column_asked_for(engine):
    answer = engine.answer("淮阴区历年新收申请自然人多少")
    assert answer.kind == "series" and answer.source["column"] == "自然人"
    assert answer.text.splitlines()[0] == f"{HUAIYIN} 一、本年新收政府信息公开申请数量（自然人），历年："
    natural = cell(HUAIYIN_2022, 3, "new", "natural_persons")
    assert f"2022年：{natural}件（《{HUAIYIN_2022.title}》）" in answer.text.splitlines()
    # A year not held: no report, but the body asked about is named (a chart draws it on that body's line).
    assert answer.rows[3]["report"] == {"id": None, "body": HUAIYIN, "year": 2021, "title": None}
    assert [(r["report"]["year"], r["value"]) for r in answer.rows] == [
        (2018, None),  # a report before the national format: no table figures
        (2019, None),
        (2020, cell(HUAIYIN_2020, 3, "new", "natural_persons")),
        (2021, None),
        (2022, cell(HUAIYIN_2022, 3, "new", "natural_persons")),
    ]


def test_a_caution_of_another_table_does_not_hide_this_tables(engine):
    answer = figure(engine, "清江浦区2022年行政复议总计多少")
    total = cell(QINGJIANGPU_2022, 4, "review", "total")
    assert answer.value == total
    assert f"注意：报告中“总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结”在此处不成立（{total} 对 {total - 1}），以上数字照原文给出。" in answer.text.splitlines()


def test_a_series_row_keeps_its_cautions(engine):
    answer = engine.answer("清江浦区2022年新收申请比2021年多了多少")
    assert answer.kind == "series"
    lines = answer.text.splitlines()
    assert any(line.startswith("  注意：报告中“总计 = 自然人 + 法人或其他组织”在此处不成立（") for line in lines)
    assert "2021年：没有这一年的报告" in answer.text.splitlines()


APPLICANT_ORGS = ("businesses", "research", "public_interest", "legal_services", "other_orgs")


@pytest.mark.parametrize("words", ["法人或其他组织", "法人和其他组织", "法人"])
def test_a_group_of_columns_is_its_columns_added_up(engine, words):
    """法人或其他组织 is five columns: their sum, each shown; never the last one (其他) alone."""
    answer = figure(engine, f"淮阴区2022年{words}申请了多少")
    parts = [cell(HUAIYIN_2022, 3, "new", key) for key in APPLICANT_ORGS]
    assert (answer.value, answer.source["column"]) == (sum(parts), "法人或其他组织")
    assert answer.source["columns"] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert f"共 {sum(parts)}件，是以下各项相加：商业企业 {parts[0]}件" in answer.text


def test_a_group_of_columns_over_a_group_of_rows_is_no_figure(engine):
    no_figure(engine, "淮阴区2022年其他处理中法人的有多少")


def test_a_sub_rows_name_after_its_heading_is_that_row_not_a_column(engine):
    """其他处理中的其他 is the row 3.其他 under （六）其他处理, not the applicant column 其他."""
    answer = figure(engine, "淮阴区2022年其他处理中的其他有多少")
    assert answer.source["row"] == "三、本年度办理结果 / （六）其他处理 / 3.其他"
    assert (answer.value, answer.source["column"]) == (cell(HUAIYIN_2022, 3, "other_reasons", "total"), "总计")


def test_a_row_named_beside_a_cells_words_narrows_them(engine):
    """官司输了 is 行政诉讼's 结果纠正 over both its rows; 直接起诉 says which one."""
    answer = figure(engine, "淮阴区2022年直接起诉的官司输了几件")
    assert (answer.source["row"], answer.source["column"]) == ("行政诉讼 / 未经复议直接起诉", "结果纠正")
    assert answer.value == cell(HUAIYIN_2022, 4, "litigation_direct", "corrected")


@pytest.mark.parametrize("question", ["淮阴区2020年集中采购了多少个项目", "淮阴区2020年采购了几个项目"])
def test_counting_words_ask_for_the_count_where_the_row_has_one(engine, question):
    """The 2019 format's 政府集中采购: 采购项目数量, not 采购总金额 (the default column)."""
    answer = figure(engine, question)
    assert answer.source["column"] == "采购项目数量"
    assert answer.value == cell(HUAIYIN_2020, 2, "procurement", "procurement_items")


def test_words_that_only_count_yield_to_a_columns_own_words(engine):
    """制发规章多少件: 多少件 (a way to ask for 处理决定数量) is longer, but 制发 names the column."""
    answer = figure(engine, "淮阴区2022年制发规章多少件")
    assert (answer.source["column"], answer.value) == ("本年制发件数", cell(HUAIYIN_2022, 2, "rules", "issued"))


@pytest.mark.parametrize(
    "question, row, column",
    [
        # An applicant word and a sub-row's name after its heading: both, not the heading's column.
        ("淮阴区2022年个人申请其他处理中的其他", "三、本年度办理结果 / （六）其他处理 / 3.其他", "natural_persons"),
        ("淮阴区2022年其他处理中的其他律师申请的", "三、本年度办理结果 / （六）其他处理 / 3.其他", "legal_services"),
        # 其他 inside 法人或其他组织, or inside the row's own label, names no column of its own.
        ("淮阴区2022年法人或其他组织的申请部分公开了几件", "三、本年度办理结果 / （二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
        ("淮阴区2022年法人因其他法律行政法规禁止不公开的有几件", "三、本年度办理结果 / （三）不予公开 / 2.其他法律行政法规禁止公开", None),
        ("淮阴区2022年单位申请予以公开的有几件", "三、本年度办理结果 / （一）予以公开", None),
        ("淮阴区2022年其他处理总计多少", "三、本年度办理结果 / （六）其他处理", "total"),
    ],
)
def test_the_words_beside_a_row_name_the_row_and_column_meant(engine, question, row, column):
    answer = figure(engine, question)
    assert answer.source["row"] == row
    keys = {"natural_persons": "自然人", "legal_services": "法律服务机构", "total": "总计", None: "法人或其他组织"}
    assert answer.source["column"] == keys[column]
    report_rows = {"三、本年度办理结果 / （六）其他处理 / 3.其他": "other_reasons",
                   "三、本年度办理结果 / （六）其他处理": "other_handling"}
    if row in report_rows and column != "total":
        assert answer.value == cell(HUAIYIN_2022, 3, report_rows[row], column)


@pytest.mark.parametrize("question", ["淮阴区2022年不予公开中的其他有几件", "淮阴区2022年无法提供中的其他"])
def test_other_after_a_heading_without_such_a_row_is_asked_back_not_answered(engine, question):
    """不予公开中的其他: the column 其他 or the row 2.其他法律行政法规禁止公开? No figure."""
    not_a_figure(engine, question)


@pytest.mark.parametrize(
    "question, column",
    [
        ("淮阴区2020年集中采购数量", "采购项目数量"),
        ("淮阴区2020年集中采购多少件", "采购项目数量"),
        ("淮阴区2020年集中采购多少次", "采购项目数量"),
        ("淮阴区2020年收费项目本年减了几个", "本年增/减"),
        ("淮阴区2022年收费多少", "本年收费金额（单位：万元）"),
    ],
)
def test_a_count_or_an_amount_is_answered_with_a_column_of_that_measure(engine, question, column):
    assert figure(engine, question).source["column"] == column


@pytest.mark.parametrize(
    "question",
    ["淮阴区2020年收费多少钱", "淮阴区2020年行政事业性收费多少万元", "淮阴区2022年收费有几项", "淮阴区2022年收费项目几个",
     "淮阴区2022年收费有多少条",
     # The 2019 format prints last year's project count and the change, never this year's.
     "淮阴区2020年行政许可有多少个项目", "淮阴区2020年行政处罚项目数量"],
)
def test_a_measure_the_reports_format_does_not_print_is_no_figure(engine, question):
    """The 2019 format prints no fee amount, the 2021 format no fee count: never the other one."""
    not_a_figure(engine, question)


def test_last_year_beside_a_year_written_out_is_no_figure(engine):
    """2020年行政处罚上一年有多少项: last year's project count, or the year before? Not this year's decisions."""
    answer = engine.answer("淮阴区2020年行政处罚上一年有多少项")
    assert answer.value is None


@pytest.mark.parametrize("question", ["淮阴区2022年不予公开中不属于国家秘密的", "淮阴区2022年不属于信访举报投诉类的不予处理"])
def test_a_row_negated_is_no_figure_never_that_row(engine, question):
    """不属于国家秘密的不予公开: the rows but one, which no cell holds; never 属于国家秘密 itself."""
    not_a_figure(engine, question)


@pytest.mark.parametrize(
    "question, row, column",
    [
        ("淮阴区2022年复议后又输了官司的有几件", "litigation_after_review", "corrected"),
        ("淮阴区2022年没经过复议直接打官司还没判的", "litigation_direct", "pending"),
        ("淮阴区2022年被复议又被起诉的", "litigation_after_review", "total"),
        ("淮阴区2022年被起诉的官司输了几件", None, "corrected"),  # both lawsuit rows, their 结果纠正
    ],
)
def test_a_lawsuit_said_in_everyday_words_is_its_own_row(engine, question, row, column):
    answer = figure(engine, question)
    rows = [row] if row else ["litigation_direct", "litigation_after_review"]
    assert answer.value == sum(cell(HUAIYIN_2022, 4, each, column) for each in rows)
    assert answer.source["row"].startswith("行政诉讼 / ") if row else answer.source["row"] == "行政诉讼"
