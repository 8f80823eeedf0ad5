"""Titles in every order and spacing real sites print, and the body named from the title alone."""

from __future__ import annotations

import time

import pytest

from ingest.places import body_place
from ingest.titles import find_title, full_body_name


@pytest.mark.parametrize(
    "lines, body, year",
    [
        (["柳州市城中区人民政府2020年政府信息公开工作年度报告"], "柳州市城中区人民政府", 2020),
        (["2019年南京市人民政府办公厅政府信息公开工作年度报告"], "南京市人民政府办公厅", 2019),
        (["南京市鼓楼区人民政府2021年度政府信息公开工作年度报告"], "南京市鼓楼区人民政府", 2021),
        (["苏州市统计局2020年政府信息公开年度报告"], "苏州市统计局", 2020),
        (["国家统计局政府信息公开工作2020年度报告"], "国家统计局", 2020),
        (["2024 年杭州市科学技术局政府信息公开工作", "年度报告"], "杭州市科学技术局", 2024),
        (["2025 年 杭州市西湖区人民政府 政府信息公开工作年度报告"], "杭州市西湖区人民政府", 2025),
        (["宿迁市泗洪县人民政府关于2022年度政府信息公开工作的年度报告"], "宿迁市泗洪县人民政府", 2022),
        (["关于泗洪县2022年度政府信息公开工作的年度报告"], "泗洪县", 2022),
        (["淮安市人民政府", "2024年政府信息公开工作年度报告"], "淮安市人民政府", 2024),
        (["标题：泗洪县发展和改革局2023年政府信息公开工作年度报告"], "泗洪县发展和改革局", 2023),
        (["# 泗洪县人民政府2022年政府信息公开工作年度报告"], "泗洪县人民政府", 2022),
        (["【鼓楼区教育局】2021年政府信息公开工作年度报告"], "鼓楼区教育局", 2021),
        # A site's name above the title is not part of it.
        (["南京市鼓楼区人民政府", "江苏省南京市鼓楼区人民政府2020年政府信息公开工作年度报告"], "江苏省南京市鼓楼区人民政府", 2020),
    ],
)
def test_every_order_and_spacing_of_the_title(lines, body, year):
    title = find_title(lines + ["一、总体情况"])
    assert title is not None
    assert (title.body, title.year) == (body, year)
    assert "标题" not in title.text and "#" not in title.text and " " not in title.text


@pytest.mark.parametrize(
    "lines",
    [
        ["根据《泗洪县2021年政府信息公开工作年度报告》，现将有关情况报告如下。"],  # a quotation in prose
        ["首页 > 政府信息公开 > 年报", "2021年政府信息公开工作年度报告"],  # no body, only a breadcrumb
        ["关于开展政务公开工作的通知"],
        # A note that quotes a title: the Chinese left between its marks is no body.
        ["- Phrases from the reports' text (`统计期限自`, `2020年政府信息公开工作年度报告`) return 0 hits."],
    ],
)
def test_what_is_not_a_title_is_refused(lines):
    assert find_title(lines) is None


def test_the_page_title_is_the_last_resort():
    title = find_title(["一、总体情况", "本机关认真贯彻落实条例。"], hint="泗洪县人民政府2022年政府信息公开工作年度报告_泗洪县人民政府")
    assert title is not None and (title.body, title.year) == ("泗洪县人民政府", 2022)


def test_reading_a_long_line_without_a_title_takes_linear_time():
    started = time.perf_counter()
    for size in (12_500, 1_000_000):
        assert find_title(["政府" * size, "年" * size]) is None
    assert time.perf_counter() - started < 5  # quadratic matching took 17 s for 50 KB


def test_the_body_takes_its_city_only_where_printed_before_its_whole_name():
    paragraphs = ["洪泽区人民政府2023年政府信息公开工作年度报告", "淮安市洪泽区人民政府办公室负责本报告的编制。"]
    assert full_body_name("洪泽区人民政府", paragraphs) == "淮安市洪泽区人民政府"


def test_a_passing_mention_of_another_district_never_renames_the_body():
    paragraphs = [
        "城中区人民政府2020年政府信息公开工作年度报告",
        "本机关赴西宁市城中区学习政务公开经验。",  # another 城中区, without its 人民政府
    ]
    assert full_body_name("城中区人民政府", paragraphs) == "城中区人民政府"


def test_a_place_that_does_not_contain_the_body_is_no_prefix():
    paragraphs = ["由柳州市洪泽区人民政府编制。"]  # 洪泽区 is not in 柳州市
    assert full_body_name("洪泽区人民政府", paragraphs) == "洪泽区人民政府"


@pytest.mark.parametrize(
    "name, code",
    [
        ("淮安市洪泽区人民政府", "320813"),
        ("洪泽区人民政府", "320813"),
        ("柳州市城中区人民政府", "450202"),
        ("上海市人民政府办公厅", "310000"),
        ("江苏省淮安市人民政府", "320800"),
    ],
)
def test_a_bodys_place_is_read_from_its_name(name, code):
    assert [p.code for p in body_place(name)] == [code]


def test_a_district_name_shared_by_two_cities_stays_undecided_without_its_city():
    assert {p.code for p in body_place("城中区人民政府")} == {"450202", "630103"}
