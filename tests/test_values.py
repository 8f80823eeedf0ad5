"""Cells as reports print them: each sign, unit and blank mark read to the number a person means."""

from __future__ import annotations

import pytest

from ingest.values import clean, format_number, is_value, parse_value


@pytest.mark.parametrize(
    "printed, value",
    [
        ("增加5", 5),
        ("增5", 5),
        ("+5", 5),
        ("减少3", -3),
        ("减3", -3),
        ("-3", -3),
        ("−3", -3),  # U+2212, the minus sign of typeset reports
        ("－3", -3),  # full width
    ],
)
def test_a_change_keeps_its_sign(printed, value):
    """The 2019 format's 本年增/减: 减少3 is -3, never 3, and 增加5 is 5."""
    assert parse_value(printed, "项") == (value, "项")
    assert is_value(printed)


@pytest.mark.parametrize("unit", ["万元", "元", "件", "项", "个", "条", "次", "家"])
def test_the_unit_printed_in_the_cell_wins(unit):
    assert parse_value(f"12{unit}", "份") == (12, unit)
    assert is_value(f"12{unit}")


def test_a_unit_only_where_the_cell_prints_none():
    assert parse_value("12", "件") == (12, "件")


@pytest.mark.parametrize(
    "printed, value",
    [
        ("2694.35万元", 2694.35),
        ("1,234", 1234),
        ("１２３", 123),  # full-width digits
        ("100余件", 100),  # 100余件: about 100, published as 100
        (" 7\xa0", 7),
    ],
)
def test_numbers_as_printed(printed, value):
    number, _ = parse_value(printed, "件")
    assert number == value and type(number) is type(value)


@pytest.mark.parametrize("mark", ["", " ", "-", "—", "——", "/", "无", "－", "--", None])
def test_a_blank_mark_is_stored_blank_never_0(mark):
    assert parse_value(mark, "件") == (None, "件")
    assert is_value(mark)


@pytest.mark.parametrize("words", ["持平", "不变", "无变化", "未变化"])
def test_no_change_in_words_is_0(words):
    """本年增/减 printed as 持平: the change is the number 0 (not a blank)."""
    assert parse_value(words, "项") == (0, "项")
    assert is_value(words)


@pytest.mark.parametrize("label", ["申请人情况", "总计", "5.其他", "增加", "12.5.3", "约12"])
def test_a_label_is_not_a_value(label):
    assert not is_value(label)
    with pytest.raises(ValueError):
        parse_value(label, "件")


def test_clean_leaves_the_text_without_spaces_in_half_width():
    assert clean(" 增 ５，\u3000０００ 项\xa0") == "增5,000项"
    assert clean(None) == ""


@pytest.mark.parametrize("value, shown", [(31, "31"), (31.0, "31"), (2694.35, "2694.35"), (-3, "-3"), (0, "0")])
def test_a_number_shown_as_printed(value, shown):
    assert format_number(value) == shown
