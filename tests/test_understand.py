"""Reading questions: bodies as whole words, years, cells, and whether a figure is asked for."""

from __future__ import annotations

from datetime import date

import pytest

from bot.understand import BodyNames, Phrases, body_aliases, find_year, find_years, understand
from index.tokenize import add_words, cut
from ingest.nationalformat import fold

NAMES = {1: ("青岛市市南区人民政府", "市南区"), 2: ("淮安市洪泽区人民政府", "洪泽区"), 3: ("柳州市城中区人民政府", "城中区"), 4: ("西宁市城中区人民政府", "城中区")}
BODIES = {body: body_aliases(*names) for body, names in NAMES.items()}


def read(question: str):
    add_words(name for names in BODIES.values() for name in names)
    return understand(question, BodyNames.build(BODIES, {b: n for b, (n, _) in NAMES.items()}), cut(fold(question)))


@pytest.mark.parametrize("question", ["淮安区2024年收到多少申请", "淮安市淮安区2024年收到多少申请"])
def test_a_citys_short_name_inside_one_of_its_districts_is_not_the_city(question):
    """淮安 is 淮安市's short name, but 淮安区 is 淮安市淮安区, another body: never 淮安市's figures."""
    names = {1: ("淮安市人民政府", "淮安市")}
    aliases = {body: body_aliases(*n) for body, n in names.items()}
    add_words(name for each in aliases.values() for name in each)
    understood = understand(question, BodyNames.build(aliases, {b: n for b, (n, _) in names.items()}), cut(fold(question)))
    assert "淮安区" in understood.unknown_places  # and so no figure of 淮安市 is given
    assert understood.bodies == ([] if question.startswith("淮安区") else [1])
    city = understand("淮安2024年收到多少申请", BodyNames.build(aliases, {1: "淮安市人民政府"}), cut(fold("淮安2024年收到多少申请")))
    assert city.bodies == [1]


def test_a_name_inside_another_place_is_not_that_body():
    """市南 (青岛市市南区) stands inside 贵阳市南明区: that is not a question about 市南区."""
    understood = read("贵阳市南明区2023年罚款多少")
    assert understood.bodies == []
    assert "南明区" in understood.unknown_places


@pytest.mark.parametrize(
    "question, bodies",
    [
        ("市南区2023年罚款多少", [1]),
        ("洪泽2024年收到多少申请", [2]),
        ("淮安市洪泽区去年罚款多少", [2]),
        ("城中区2020年行政处罚", [3, 4]),  # two bodies share the name: the answer must ask
        ("柳州市城中区2020年行政处罚", [3]),
    ],
)
def test_bodies_by_the_names_people_use(question, bodies):
    assert read(question).bodies == bodies


def test_words_tagged_as_places_without_a_place_ending_are_not_sure_places():
    assert read("主动公开内容的深度和广度不够").unknown_places == []


@pytest.mark.parametrize(
    "text, year",
    [("2020年", 2020), ("二〇二三年的报告", 2023), ("去年", 2025), ("前年", 2024), ("电话0517-83605210", None)],
)
def test_years(text, year):
    assert find_year(text, today=date(2026, 11, 27)) == year


@pytest.mark.parametrize(
    "question, figure",
    [
        ("洪泽区2024年收到多少申请", True),
        ("依申请公开答复的规范性有待提高", False),  # 申请 alone names no cell
        ("行政处罚信息是怎么公开的", False),
        ("城中区2020年行政处罚", True),  # staff's terse look-up
    ],
)
def test_whether_a_figure_is_asked_for(question, figure):
    understood = read(question)
    assert (understood.cell is not None and understood.wants_figure) == figure


def test_a_question_about_something_else_that_is_counted_wants_a_passage():
    """12345热线 complaints are not information-disclosure applications."""
    understood = read("洪泽区2024年12345热线受理了多少群众诉求")
    assert understood.cell is None


@pytest.mark.parametrize(
    "question",
    [
        "城中区新收申请比去年多了多少",
        "城中区2020年新收申请比上年多了多少",  # 上年: how reports themselves say it
        "城中区2020年新收申请同比上年增长多少",
        "城中区新收申请较上一年增加了多少",
        "城中区新收申请相比上年度少了多少",
        "城中区2020年新收申请同比增幅",  # 同比 alone
    ],
)
def test_a_comparison_with_the_year_before_asks_for_the_figures(question):
    understood = read(question)
    assert understood.compared_with_previous
    assert understood.cell is not None and understood.cell.rows == ("new",)
    assert understood.wants_figure and understood.unexplained == []


@pytest.mark.parametrize(
    "name, short, aliases",
    [
        ("淮安市洪泽区人民政府", "洪泽区", {"洪泽", "洪泽区", "洪泽区人民政府", "洪泽区政府", "洪泽政府", "淮安市洪泽区",
                                       "淮安市洪泽区人民政府", "淮安市洪泽区政府"}),
        ("江苏省人民政府", "江苏省", {"江苏", "江苏政府", "江苏省", "江苏省人民政府", "江苏省政府"}),
        # A department: its place, and the place's short name, before each name the department goes by.
        ("淮安市淮阴区发展和改革局", "淮阴区发展和改革局", {
            "淮安市淮阴区发展和改革局", "淮安市淮阴区发展改革局", "淮安市淮阴区发改局", "淮阴区发展和改革局",
            "淮阴区发展改革局", "淮阴区发改局", "淮阴发展和改革局", "淮阴发展改革局", "淮阴发改局"}),
        ("淮安市发展和改革委员会", "淮安市发展和改革委员会", {
            "淮安市发展和改革委员会", "淮安市发展改革委", "淮安市发改委", "淮安发展和改革委员会", "淮安发展改革委", "淮安发改委"}),
        ("淮安市公安局", "淮安市公安局", {"淮安市公安局"}),  # no other name: never 公安 or 淮安 alone
        # Printed with the short name, found by the full one too.
        ("淮安市淮阴区发改局", "淮阴区发改局", {
            "淮安市淮阴区发改局", "淮安市淮阴区发展和改革局", "淮阴区发改局", "淮阴区发展和改革局", "淮阴发改局",
            "淮阴发展和改革局"}),
        # A place the gazetteer does not know: the department's names behind it as printed.
        ("梧桐县发展和改革局", "梧桐县发展和改革局", {"梧桐县发展和改革局", "梧桐县发展改革局", "梧桐县发改局"}),
        # A county the gazetteer does not know: its name without 县 still.
        ("梧桐县人民政府", "梧桐县", {"梧桐县人民政府", "梧桐县政府", "梧桐县", "梧桐", "梧桐政府"}),
        # 和平 is a word before it is a place: 和平区 keeps its ending (as places.short_name says).
        ("天津市和平区人民政府", "和平区", {"天津市和平区人民政府", "天津市和平区政府", "天津市和平区", "和平区",
                                     "和平区人民政府", "和平区政府"}),
    ],
)
def test_the_names_people_use_for_a_body(name, short, aliases):
    assert body_aliases(name, short) == aliases


@pytest.mark.parametrize(
    "text, year",
    [("上一年", 2025), ("上年度", 2025), ("今年", 2026), ("本年度", 2026), ("比去年多了多少", None), ("超过2000件", None),
     ("共2019件", None), ("收到2019件", None), ("超过2019", None), ("2019年度", 2019), ("2020", 2020)],
)
def test_relative_and_bare_years(text, year):
    assert find_year(text, today=date(2026, 11, 27)) == year


@pytest.mark.parametrize(
    "text, year",
    [("洪泽23年行政许可", 2023), ("24年度", 2024), ("90年", 1990), ("大前年", 2023), ("两年前", 2024),
     ("3年前", 2023), ("近10年", None), ("10年来", None), ("三年内", None), ("第23年", None), ("2023年", 2023),
     ("洪泽二三年行政许可", 2023), ("二四年度", 2024), ("三四年", None), ("二〇二〇年", 2020), ("26年", 2026),
     ("27年", 2027), ("28年", 1928)],
)
def test_years_as_people_write_them(text, year):
    """A year in two digits, or counted back, is a year; a span of years is none."""
    assert find_year(text, today=date(2026, 11, 27)) == year


@pytest.mark.parametrize(
    "text, years",
    [("2022年到2024年", [2022, 2023, 2024]), ("2022-2024年", [2022, 2023, 2024]), ("2022至2024年", [2022, 2023, 2024]),
     ("2023年和2024年", [2023, 2024]), ("2024年到2022年", [2024, 2022]), ("23到24年", [2023, 2024]),
     ("23-24年", [2023, 2024]), ("1970年到2020年", [1970, *range(1971, 2020), 2020]), ("1970年到2021年", [1970, 2021])],
)
def test_a_range_of_years_is_every_year_in_it(text, years):
    assert find_years(text, today=date(2026, 12, 4)) == years


@pytest.mark.parametrize("text, year", [("99999年", 99999), ("0年", 0), ("202年", 202), ("3000年", 3000), ("12020年", 12020)])
def test_a_year_no_report_can_have_is_still_the_year_asked(text, year):
    """Never taken for no year at all, which would answer with the latest report."""
    assert find_years(f"洪泽区{text}收到多少申请", today=date(2026, 12, 4)) == [year]
    assert find_years(f"洪泽区2023年和{text}收到多少申请", today=date(2026, 12, 4)) == [2023, year]
    assert find_years(f"洪泽区2023年{text}收到多少申请", today=date(2026, 12, 4)) == [2023, year]  # right after


def test_last_years_project_count_is_a_column_not_a_year():
    assert find_years("城中区行政许可上一年项目数量", today=date(2026, 12, 4)) == []
    assert find_years("上一年项目数量上一年是多少", today=date(2026, 12, 4)) == [2025]  # the second is a year


@pytest.mark.parametrize("question", ["洪泽区政府办公室在哪里", "洪泽区府办在哪里", "洪泽区政府办在哪里"])
def test_a_governments_own_office_is_known_as_such(question):
    understood = read(question)
    assert understood.other_body and understood.government_office
    assert not read("洪泽区公安局在哪里").government_office
    # Cut with 政府办公室 as one word, the body's name is 洪泽区 alone: the same office.
    held = BodyNames.build(BODIES, {b: n for b, (n, _) in NAMES.items()})
    cut_apart = understand("洪泽区政府办公室在哪里", held, ["洪泽区", "政府办公室", "在", "哪里"])
    assert cut_apart.other_body == "洪泽区政府办公室" and cut_apart.government_office


def test_what_became_of_the_applications_received_is_the_row_asked():
    """收到的申请有多少件被公开: 予以公开, not 新收 (the applications it is about)."""
    assert read("洪泽区2024年收到的申请有多少件被公开").cell.rows == ("disclosed",)
    assert read("洪泽区2024年收到的申请中自然人多少").cell.rows == ("new",)


def test_a_number_before_a_count_does_not_hide_the_year_after_it():
    assert find_years("超过2000件的是2020年吗", today=date(2026, 12, 4)) == [2020]


def test_a_columns_own_words_win_over_words_that_only_count():
    assert read("洪泽区2022年制发规章多少件").cell.columns == ("issued",)


@pytest.mark.parametrize("question", ["国家秘密不予公开的有多少", "属于行政查询事项的有多少"])
def test_a_label_is_understood_without_its_leading_shuyu(question):
    """属于国家秘密 is asked as 国家秘密: the short form comes from the format's label itself."""
    assert read(f"洪泽区2023年{question}").cell.rows in (("state_secret",), ("administrative_query",))


def test_every_year_counted_back_is_a_year_of_the_question():
    """大前年和前年: both years (a series), in the order said; 比去年 is a comparison, no year."""
    assert find_years("大前年和前年罚款多少", today=date(2026, 12, 4)) == [2023, 2024]
    assert find_years("两年前和去年", today=date(2026, 12, 4)) == [2024, 2025]
    assert find_years("前年比去年多了多少", today=date(2026, 12, 4)) == [2024]


@pytest.mark.parametrize("question", ["洪泽区近三年罚款多少", "洪泽区过去5年罚款多少", "洪泽区三年来罚款多少"])
def test_a_span_of_years_asks_for_every_year_held(question):
    understood = read(question)
    assert understood.series and understood.year is None and understood.wants_figure


def test_the_longest_phrase_first_then_the_leftmost():
    phrases = Phrases({"行政复议": (1,), "复议": (2,), "行政": (3,), "政复": (4,)})
    assert phrases.find("行政复议多少") == ("行政复议", (1,), 0)
    assert phrases.find("复议行政") == ("复议", (2,), 0)
    assert Phrases({"甲乙丙": (1,), "乙丙": (2,), "丁乙": (3,)}).find("丁乙丙") == ("丁乙", (3,), 0)


@pytest.mark.parametrize("place", ["梧桐县", "沙家浜镇", "黄金海岸区", "自贸区"])
def test_a_place_the_gazetteer_does_not_know_is_still_a_place(place):
    """Cut as 梧桐 / 县, 沙家浜 / 镇, or kept whole (自贸区): a place, not held."""
    assert read(f"{place}2020年收到多少申请").unknown_places == [place]


@pytest.mark.parametrize("words", ["我们县", "哪个区", "开发区", "本市"])
def test_words_that_stand_for_a_place_without_naming_one(words):
    understood = read(f"{words}2024年收到多少申请")
    assert understood.vague_places == [words] and understood.unknown_places == []


@pytest.mark.parametrize("department", ["公安局", "卫健委", "卫生健康委员会", "审计署", "交通运输厅", "政务服务中心", "府办", "政府办", "政府办公室", "高良涧街道"])
def test_a_department_of_a_body_held_is_another_body(department):
    """洪泽区公安局 is not 洪泽区人民政府: its figures are not the government's."""
    understood = read(f"洪泽区{department}收到多少申请")
    assert understood.other_body == f"洪泽区{department}"


@pytest.mark.parametrize("unit", list("件项个次元万条人家余多起宗份"))
def test_a_number_before_a_unit_is_no_year(unit):
    assert find_year(f"收到2019{unit}申请", today=date(2026, 11, 27)) is None


@pytest.mark.parametrize("text, year", [("有二〇二〇年的报告吗", 2020), ("二〇一九年", 2019), ("二零二四年", 2024), ("二〇三五年", 2035), ("二〇六七年", 2067), ("二〇八九年", 2089)])
def test_a_year_in_chinese_digits(text, year):
    assert find_year(text) == year


@pytest.mark.parametrize("place", ["东海湾省", "东海湾市", "东海湾县", "东海湾区"])
def test_a_place_named_before_its_government_is_a_place_not_held(place):
    """jieba cuts 东海湾省 apart (东 / 海湾 / 省): the words before 人民政府 still name the place."""
    assert place in read(f"{place}人民政府收到多少申请").unknown_places


def test_the_second_body_named_after_a_year_is_still_found():
    assert read("2024年洪泽区和市南区罚款谁多").body_groups == [(2,), (1,)]


@pytest.mark.parametrize("question", ["洪泽区2024年的申请", "洪泽区2024年收费"])
def test_a_word_that_only_weakly_names_a_row_asks_no_figure_alone(question):
    """申请, 收费 alone may be about how applications are handled: a figure needs 多少 or the like."""
    understood = read(question)
    assert understood.cell is not None and not understood.wants_figure
    assert read(question + "多少").wants_figure


def test_a_place_name_inside_another_word_is_no_place():
    """洪泽湖 is a lake: its 洪泽 is not 洪泽区, a place that does not hold 城中区."""
    understood = read("柳州市城中区洪泽湖治理的信息公开了吗")
    assert understood.bodies == [3] and understood.unknown_places == []


def test_a_place_that_holds_no_body_named_is_a_place_not_held():
    """No 城中区 held is in 江苏省: the question is about a body not held, not about 城中区."""
    assert read("江苏省城中区2020年收到多少申请").unknown_places == ["江苏省"]
    assert read("广西柳州市城中区2020年收到多少申请").unknown_places == []


@pytest.mark.parametrize("question", ["淮安洪泽区2024年罚款多少", "淮安的洪泽区2024年罚款多少", "洪泽区2024年罚款多少，淮安的"])
def test_a_city_named_before_its_district_says_where_the_district_is(question):
    """淮安洪泽区: one body, 洪泽区; 淮安市 is asked about only beside it (淮安和洪泽区谁多)."""
    names = {1: ("淮安市人民政府", "淮安市"), 2: ("淮安市洪泽区人民政府", "洪泽区")}
    aliases = {body: body_aliases(*n) for body, n in names.items()}
    add_words(name for each in aliases.values() for name in each)
    held = BodyNames.build(aliases, {b: n for b, (n, _) in names.items()})
    assert understand(question, held, cut(fold(question))).bodies == [2]
    for both in ("淮安和洪泽区2024年罚款谁多", "淮安、洪泽区2024年罚款", "淮安同洪泽区2024年罚款多少"):
        assert understand(both, held, cut(fold(both))).bodies == [1, 2], both
