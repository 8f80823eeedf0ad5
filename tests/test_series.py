"""Series answers: a figure over the years, the change between two years, a ranking of bodies."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest

from bot.answer import Engine
from index.passages import ingest_and_index
from reportgen import generate_report, render_html
from tests.conftest import ROOT, shared_report

CITY = "淮安市人民政府"
DISTRICTS = ("淮安市清江浦区人民政府", "淮安市淮阴区人民政府", "淮安市淮安区人民政府")
NEW = ("一、本年新收政府信息公开申请数量", "总计")


def new_total(report) -> int:
    return next(v for k, (v, _) in report.cells.items() if k[0] == 3 and k[2] == "new" and k[3] == "total")


def with_new_total(report, value):
    """The report with its 新收 总计 printed as `value` (None: blank)."""
    cells = dict(report.cells)
    key = next(k for k in cells if k[0] == 3 and k[2] == "new" and k[3] == "total")
    cells[key] = (value, "" if value is None else str(value))
    return dataclasses.replace(report, cells=cells)


def stored(reports, directory, data_dir):
    directory.mkdir()
    paths = []
    for number, report in enumerate(reports):
        path = directory / f"{number}.html"
        path.write_text(render_html(report), "utf-8")
        paths.append(path)
    ingest_and_index(paths, data_dir)
    return Engine(data_dir)


def test_the_change_between_two_years_in_numbers_and_words(data_dir):
    ingest_and_index([shared_report("hongze-2023.pdf"), shared_report("hongze-2024.pdf")], data_dir)
    answer = Engine(data_dir).answer("洪泽区2024年新收政府信息公开申请比2023年多了多少件")
    assert answer.kind == "series"
    assert [(r["report"]["year"], r["value"], r["unit"], r["raw"]) for r in answer.rows] == [
        (2023, 21, "件", "21"), (2024, 95, "件", "95")
    ]
    assert answer.change == {"from_year": 2023, "to_year": 2024, "delta": 74, "percent": 352.4}
    assert "多了74件，增长352.4%" in answer.text
    assert "洪泽区人民政府2023年政府信息公开工作年度报告" in answer.text  # each figure with its report
    assert (answer.source["table"], answer.source["row"], answer.source["column"]) == (3, *NEW)


@pytest.mark.parametrize("question", ["洪泽区行政强制比去年少了多少", "洪泽区行政强制比上年少了多少"])
def test_compared_with_the_year_before_the_latest(question, data_dir):
    ingest_and_index([shared_report("hongze-2023.pdf"), shared_report("hongze-2024.pdf")], data_dir)
    answer = Engine(data_dir).answer(question)
    assert answer.change == {"from_year": 2023, "to_year": 2024, "delta": -111, "percent": -56.9}
    assert "少了111件，下降56.9%" in answer.text


def test_compared_with_the_year_before_last_is_not_the_year_before(data_dir):
    """2024年比前年: against 2022, which is not held; never against 2023."""
    ingest_and_index([shared_report("hongze-2023.pdf"), shared_report("hongze-2024.pdf")], data_dir)
    answer = Engine(data_dir).answer("洪泽区2024年行政强制比前年少了多少")
    assert [(r["report"]["year"], r["value"]) for r in answer.rows] == [(2022, None), (2024, 84)]
    assert answer.change is None
    assert "2022年：没有这一年的报告" in answer.text and "无法算出变化" in answer.text


def test_a_figure_over_every_year_held_with_a_missing_year_and_a_blank_cell_said(data_dir, tmp_path):
    body = "淮安市清江浦区人民政府"
    reports = [
        generate_report(1, body=body, year=2021),
        with_new_total(generate_report(2, body=body, year=2023), None),
        generate_report(3, body=body, year=2024),
    ]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("清江浦区历年新收申请")
    assert answer.kind == "series"
    by_year = {r["report"]["year"]: r["value"] for r in answer.rows}
    assert by_year == {2021: new_total(reports[0]), 2022: None, 2023: None, 2024: new_total(reports[2])}
    assert "2022年：没有这一年的报告" in answer.text
    assert "2023年：报告中这一格是空白的" in answer.text
    assert answer.change is None and "无法算出变化" not in answer.text  # no change was asked for

    answer = engine.answer("清江浦区2024年新收申请比2023年多了多少")  # the blank year: no change worked out
    assert answer.change is None and "有一年的数字空白或没有报告，无法算出变化。" in answer.text.splitlines()


def test_a_ranking_of_the_districts_of_a_city(data_dir, tmp_path):
    reports = [generate_report(10 + n, body=name, year=2023) for n, name in enumerate((CITY, *DISTRICTS))]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("淮安市各区县2023年收到申请排名")
    assert answer.kind == "series"
    expected = sorted(((new_total(r), r.body) for r in reports[1:]), reverse=True)
    assert [(r["value"], r["report"]["body"]) for r in answer.rows] == expected  # the city itself is not ranked
    assert answer.text.splitlines()[1].startswith(f"1. {expected[0][1]}")


def test_a_ranking_puts_the_largest_first_and_a_blank_last(data_dir, tmp_path):
    """Whatever the bodies' order by name: 30 before 5, and the blank after both, never as 0."""
    first, second, third = sorted(DISTRICTS)
    values = {first: None, second: 5, third: 30}
    reports = [generate_report(20, body=CITY, year=2023)]
    reports += [with_new_total(generate_report(21 + n, body=name, year=2023), values[name]) for n, name in enumerate(DISTRICTS)]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("淮安市各区县2023年收到申请排名")
    assert [(r["report"]["body"], r["value"]) for r in answer.rows] == [(third, 30), (second, 5), (first, None)]


def test_two_bodies_compared(data_dir, tmp_path):
    reports = [generate_report(20 + n, body=name, year=2022) for n, name in enumerate(DISTRICTS[:2])]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("清江浦区和淮阴区谁的新收申请多")
    assert sorted((r["report"]["body"], r["value"]) for r in answer.rows) == sorted(
        (r.body, new_total(r)) for r in reports
    )
    values = [r["value"] for r in answer.rows]
    assert values == sorted(values, reverse=True)


def test_the_json_contract_of_a_series(data_dir, tmp_path):
    body = "淮安市清江浦区人民政府"
    stored([generate_report(n, body=body, year=year) for n, year in enumerate((2022, 2023))], tmp_path / "r", data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "清江浦区2023年新收申请比2022年增长了百分之几", "--json", "--data", str(data_dir)],
        capture_output=True, text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    answer = json.loads(result.stdout)
    assert answer["kind"] == "series" and answer["value"] is None
    assert set(answer["rows"][0]) == {"report", "value", "unit", "raw"}
    assert set(answer["rows"][0]["report"]) == {"id", "body", "year", "title"}
    assert set(answer["change"]) == {"from_year", "to_year", "delta", "percent"}
    assert answer["change"]["delta"] == answer["rows"][1]["value"] - answer["rows"][0]["value"]


@pytest.mark.parametrize("question", ["城中区行政处罚比上一年增加了多少"])
def test_a_change_the_report_prints_itself_is_one_figure(question, data_dir):
    from tests.conftest import SAMPLE

    ingest_and_index([SAMPLE], data_dir)
    answer = Engine(data_dir).answer(question)
    assert answer.kind == "figure" and answer.value == 1945 and answer.source["column"] == "本年增/减"


def test_two_bodies_side_by_side_each_line_named(data_dir, tmp_path):
    reports = [generate_report(40 + n, body=name, year=2022) for n, name in enumerate(DISTRICTS[:2])]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("清江浦区和淮阴区2022年新收申请")
    assert answer.kind == "series"
    for report in reports:
        assert f"{report.body}：{new_total(report)}件（《{report.title}》）" in answer.text.splitlines()


def test_a_ranking_of_a_citys_districts_leaves_out_another_citys(data_dir, tmp_path):
    reports = [generate_report(50 + n, body=name, year=2023) for n, name in enumerate((CITY, *DISTRICTS))]
    reports.append(generate_report(60, body="柳州市城中区人民政府", year=2023))
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("淮安市各区县2023年收到申请排名")
    assert sorted(r["report"]["body"] for r in answer.rows) == sorted(DISTRICTS)


def test_the_same_figure_two_years_running_is_said_unchanged(data_dir, tmp_path):
    body = "淮安市清江浦区人民政府"
    reports = [with_new_total(generate_report(70 + n, body=body, year=year), 12) for n, year in enumerate((2022, 2023))]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("清江浦区2023年新收申请比2022年多了多少")
    assert answer.change == {"from_year": 2022, "to_year": 2023, "delta": 0, "percent": 0.0}
    assert "2023年比2022年持平。" in answer.text.splitlines()


def test_a_series_with_no_figure_read_says_so_and_gives_none(data_dir, tmp_path):
    body = "淮安市清江浦区人民政府"
    reports = [with_new_total(generate_report(80 + n, body=body, year=year), None) for n, year in enumerate((2022, 2023))]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("清江浦区2023年新收申请比2022年多了多少")
    assert answer.kind == "none" and answer.value is None
    assert answer.text.startswith("我持有的报告中没有读到这些数字：")
    assert "2022年：报告中这一格是空白的" in answer.text


def test_a_name_two_bodies_share_brings_both_into_a_comparison(data_dir, tmp_path):
    names = ("柳州市城中区人民政府", "西宁市城中区人民政府", "淮安市洪泽区人民政府")
    reports = [generate_report(90 + n, body=name, year=2023) for n, name in enumerate(names)]
    engine = stored(reports, tmp_path / "reports", data_dir)
    answer = engine.answer("城中区和洪泽区2023年新收申请")
    assert answer.kind == "series"
    assert sorted((r["report"]["body"], r["value"]) for r in answer.rows) == sorted((r.body, new_total(r)) for r in reports)


def test_a_change_between_decimal_figures_is_exact(data_dir, tmp_path):
    """7730.28万元 then 7545万元: 少了185.28万元, never 185.27999999999975."""
    body = "淮安市淮阴区人民政府"
    reports = []
    for n, (year, fee) in enumerate(((2022, 7730.28), (2023, 7545))):
        report = generate_report(100 + n, body=body, year=year)
        cells = dict(report.cells)
        key = next(k for k in cells if k[0] == 2 and k[2] == "fees" and k[3] == "fee_amount")
        cells[key] = (fee, str(fee))
        reports.append(dataclasses.replace(report, cells=cells))
    answer = stored(reports, tmp_path / "r", data_dir).answer("淮阴区2023年行政事业性收费金额比2022年少了多少")
    assert answer.kind == "series" and answer.change["delta"] == -185.28
    assert "少了185.28万元" in answer.text


def test_a_range_of_years_lists_every_year_in_it(data_dir, tmp_path):
    """2021年到2023年: 2022 too, not the two ends only."""
    body = "淮安市淮阴区人民政府"
    reports = [generate_report(110 + n, body=body, year=year) for n, year in enumerate((2021, 2022, 2023))]
    answer = stored(reports, tmp_path / "r", data_dir).answer("淮阴区2021年到2023年新收申请")
    assert answer.kind == "series"
    assert [(r["report"]["year"], r["value"]) for r in answer.rows] == [(r.year, new_total(r)) for r in reports]


def test_a_ranking_naming_no_place_ranks_every_body_held_for_the_year(data_dir, tmp_path):
    """2023年收到申请排名: each body with a 2023 report, largest first; a 2022 report is not in it."""
    reports = [generate_report(120 + n, body=name, year=2023) for n, name in enumerate((CITY, *DISTRICTS))]
    reports.append(generate_report(130, body="柳州市城中区人民政府", year=2022))
    answer = stored(reports, tmp_path / "r", data_dir).answer("2023年收到申请排名")
    assert answer.kind == "series"
    expected = sorted(((r.body, new_total(r)) for r in reports[:4]), key=lambda pair: -pair[1])
    assert [(r["report"]["body"], r["value"]) for r in answer.rows] == expected
    assert "1. " + expected[0][0] in answer.text


def test_a_long_ranking_lists_its_top_and_says_how_many_more(data_dir, tmp_path):
    reports = list({r.body: r for r in (generate_report(140 + n, year=2023) for n in range(30))}.values())[:23]
    answer = stored(reports, tmp_path / "r", data_dir).answer("2023年收到申请排名")
    assert len(reports) == 23 and len(answer.rows) == 23
    assert "20. " in answer.text and "21. " not in answer.text and "另有 3 个单位" in answer.text


def test_bodies_compared_each_in_the_year_said_for_it(data_dir, tmp_path):
    """清江浦区2022年和淮阴区2023年: each body's figure of its own year, the year said on its line."""
    first = generate_report(150, body=DISTRICTS[0], year=2022)
    second = generate_report(151, body=DISTRICTS[1], year=2023)
    others = [generate_report(152, body=DISTRICTS[0], year=2023), generate_report(153, body=DISTRICTS[1], year=2022)]
    answer = stored([first, second, *others], tmp_path / "r", data_dir).answer("清江浦区2022年和淮阴区2023年新收申请各多少")
    assert answer.kind == "series"
    assert [(r["report"]["body"], r["report"]["year"], r["value"]) for r in answer.rows] == [
        (DISTRICTS[0], 2022, new_total(first)), (DISTRICTS[1], 2023, new_total(second))
    ]
    assert f"{DISTRICTS[0]} 2022年：{new_total(first)}件" in answer.text


def test_two_bodies_over_the_years_each_of_its_years(data_dir, tmp_path):
    """清江浦区和淮阴区历年: every year each body is held, not one common year."""
    reports = [generate_report(160, body=DISTRICTS[0], year=2022), generate_report(161, body=DISTRICTS[0], year=2023),
               generate_report(162, body=DISTRICTS[1], year=2023)]
    answer = stored(reports, tmp_path / "r", data_dir).answer("清江浦区和淮阴区历年新收申请")
    assert answer.kind == "series"
    assert [(r["report"]["body"], r["report"]["year"], r["value"]) for r in answer.rows] == [
        (r.body, r.year, new_total(r)) for r in reports
    ]
    assert answer.text.splitlines()[0] == "一、本年新收政府信息公开申请数量（总计），历年："


def test_bodies_compared_in_the_year_asked_not_the_latest(data_dir, tmp_path):
    reports = [generate_report(170 + n, body=name, year=year)
               for n, (name, year) in enumerate((d, y) for d in DISTRICTS[:2] for y in (2022, 2023))]
    answer = stored(reports, tmp_path / "r", data_dir).answer("清江浦区和淮阴区2022年谁的新收申请多")
    assert {r["report"]["year"] for r in answer.rows} == {2022}
    assert answer.text.startswith("2022年 一、本年新收政府信息公开申请数量（总计）")


def test_two_bodies_named_with_which_district_are_those_two(data_dir, tmp_path):
    """哪个区 also asks for a city's districts; with two bodies named, it is those two compared."""
    reports = [generate_report(180 + n, body=name, year=2022) for n, name in enumerate(DISTRICTS[:2])]
    answer = stored(reports, tmp_path / "r", data_dir).answer("清江浦区和淮阴区哪个区2022年收到的申请多")
    assert sorted(r["report"]["body"] for r in answer.rows) == sorted(DISTRICTS[:2])


def test_a_ranking_of_exactly_twenty_lists_all_and_no_more_to_say(data_dir, tmp_path):
    reports = list({r.body: r for r in (generate_report(190 + n, year=2023) for n in range(30))}.values())[:20]
    answer = stored(reports, tmp_path / "r", data_dir).answer("2023年收到申请排名")
    assert len(reports) == 20 and "20. " in answer.text and "另有" not in answer.text


def test_a_rise_of_one_is_a_rise(data_dir, tmp_path):
    body = "淮安市淮阴区人民政府"
    reports = [with_new_total(generate_report(200 + n, body=body, year=year), total)
               for n, (year, total) in enumerate(((2022, 10), (2023, 11)))]
    answer = stored(reports, tmp_path / "r", data_dir).answer("淮阴区2023年新收申请比2022年多了多少")
    assert "多了1件，增长10%" in answer.text


def test_a_figure_printed_otherwise_is_shown_with_its_printed_form(data_dir, tmp_path):
    body = "淮安市淮阴区人民政府"
    reports = []
    for n, year in enumerate((2022, 2023)):
        report = generate_report(210 + n, body=body, year=year)
        cells = dict(report.cells)
        key = next(k for k in cells if k[0] == 3 and k[2] == "new" and k[3] == "total")
        cells[key] = (1234 + n, f"{1234 + n:,}")  # printed with a thousands separator
        reports.append(dataclasses.replace(report, cells=cells))
    answer = stored(reports, tmp_path / "r", data_dir).answer("淮阴区历年新收申请")
    assert "2022年：1234件（原文“1,234”）" in answer.text


def test_a_rise_from_zero_has_no_percentage(data_dir, tmp_path):
    body = "淮安市淮阴区人民政府"
    reports = [with_new_total(generate_report(220 + n, body=body, year=year), total)
               for n, (year, total) in enumerate(((2022, 0), (2023, 5)))]
    answer = stored(reports, tmp_path / "r", data_dir).answer("淮阴区2023年新收申请比2022年多了多少")
    assert answer.change["percent"] is None
    assert "多了5件（2022年为0，无法算出增长率）" in answer.text


def test_a_ranking_of_districts_naming_no_city_leaves_out_the_cities(data_dir, tmp_path):
    """2023年各区县收到申请排名: the district governments held, never a city among them."""
    reports = [generate_report(230 + n, body=name, year=2023) for n, name in enumerate((CITY, *DISTRICTS))]
    answer = stored(reports, tmp_path / "r", data_dir).answer("2023年各区县收到申请排名")
    assert sorted(r["report"]["body"] for r in answer.rows) == sorted(DISTRICTS)


def test_two_years_named_are_compared_without_being_asked_to(data_dir, tmp_path):
    """2022年和2023年: the two figures and the change between them; the title names no 历年."""
    body = "淮安市淮阴区人民政府"
    reports = [generate_report(240 + n, body=body, year=year) for n, year in enumerate((2022, 2023))]
    answer = stored(reports, tmp_path / "r", data_dir).answer("淮阴区2022年和2023年新收申请")
    assert answer.change is not None and answer.change["delta"] == new_total(reports[1]) - new_total(reports[0])
    assert answer.text.splitlines()[0] == f"{body} 一、本年新收政府信息公开申请数量（总计）："
