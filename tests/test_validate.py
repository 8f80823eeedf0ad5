"""The format's sums on published figures: each broken sum said once, with both sides; nothing else."""

from __future__ import annotations

import dataclasses

import pytest

from ingest.model import Figure
from ingest.nationalformat import national_format
from ingest.validate import check_sums
from reportgen import expected_figures, generate_report

FORMAT = national_format()
ROW_SUM_4 = next(c for c in FORMAT.checks if c.table == 4)
ROW_SUM_3 = next(c for c in FORMAT.checks if c.table == 3 and c.per == "row")
RESULTS_SUM = next(c for c in FORMAT.checks if c.table == 3 and c.left == ("results_total",))
BALANCE = next(c for c in FORMAT.checks if c.table == 3 and len(c.left) == 2)


def table4(row: str, *values) -> list[Figure]:
    """One printed row of Table 4: upheld, corrected, other result, pending, total."""
    columns = ("upheld", "corrected", "other_result", "pending", "total")
    return [Figure(4, "review_litigation", row, column, v, "件", "" if v is None else str(v)) for column, v in zip(columns, values)]


def generated(version: str) -> list[Figure]:
    report = generate_report(11, year=2020 if version == "2019" else 2022, blank_cells=2)
    assert report.version == version
    return expected_figures(report)


def changed(figures: list[Figure], row: str, column: str, by: int, table: int = 3) -> list[Figure]:
    return [
        dataclasses.replace(f, value=f.value + by) if (f.table, f.row, f.column) == (table, row, column) else f
        for f in figures
    ]


def value(figures: list[Figure], row: str, column: str) -> int:
    return next(f.value for f in figures if (f.table, f.row, f.column) == (3, row, column))


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_a_report_whose_sums_hold_has_no_finding(version):
    assert check_sums(generated(version), version) == []


def test_a_row_off_by_one_is_one_finding_with_both_sides():
    findings = check_sums(table4("review", 1, 2, 3, 4, 11), "2021")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.kind == "sum"
    assert finding.message == f"表4“行政复议”行：“{ROW_SUM_4.name}”不成立（11 ≠ 1 + 2 + 3 + 4 = 10）"
    assert finding.detail == {"table": 4, "check": ROW_SUM_4.name, "left": 11, "right": 10, "row": "review"}


def test_a_row_under_a_group_label_is_named_by_its_path():
    (finding,) = check_sums(table4("litigation_direct", 0, 1, 0, 0, 0), "2019")
    assert finding.message.startswith("表4“行政诉讼 / 未经复议直接起诉”行：")
    assert finding.detail["row"] == "litigation_direct"


def test_sums_that_hold_are_no_finding_whatever_the_row():
    figures = table4("review", 1, 2, 3, 4, 10) + table4("litigation_direct", 0, 0, 0, 0, 0)
    assert check_sums(figures + table4("litigation_after_review", 5, 0, 0, 1, 6), "2021") == []


def test_a_blank_cell_adds_nothing_and_is_shown_blank():
    assert check_sums(table4("review", None, 2, 3, 4, 9), "2021") == []
    (finding,) = check_sums(table4("review", None, 2, 3, 4, 10), "2021")
    assert "（10 ≠ 空白 + 2 + 3 + 4 = 9）" in finding.message
    assert (finding.detail["left"], finding.detail["right"]) == (10, 9)


def test_a_row_printed_blank_or_not_at_all_is_no_finding():
    assert check_sums(table4("review", None, None, None, None, None), "2021") == []
    assert check_sums([], "2021") == []


def test_amounts_with_decimals_are_compared_exactly():
    (finding,) = check_sums(table4("review", 0.1, 0.2, 0, 0, 0.4), "2021")
    assert "（0.4 ≠ 0.1 + 0.2 + 0 + 0 = 0.3）" in finding.message
    assert check_sums(table4("review", 0.1, 0.2, 0, 0, 0.3), "2021") == []


def test_a_report_outside_the_national_format_has_no_sums():
    assert check_sums(generated("2021"), "nonstandard") == []


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_a_changed_leaf_breaks_its_column_sum_and_its_row_sum(version):
    figures = generated(version)
    broken = changed(figures, "state_secret", "natural_persons", 5)
    findings = {(f.detail["check"], f.detail.get("column") or f.detail.get("row")): f for f in check_sums(broken, version)}
    assert set(findings) == {(RESULTS_SUM.name, "natural_persons"), (ROW_SUM_3.name, "state_secret")}
    column = findings[(RESULTS_SUM.name, "natural_persons")]
    total = value(figures, "results_total", "natural_persons")
    assert (column.detail["left"], column.detail["right"]) == (total, total + 5)
    assert column.message.startswith("表3“自然人”列：")
    # The total one cell, shown as printed; the results several, shown with what they add up to.
    assert f"不成立（{total} ≠ " in column.message and column.message.endswith(f" = {total + 5}）")
    row = findings[(ROW_SUM_3.name, "state_secret")]
    assert row.message.startswith("表3“三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密”行：")
    assert row.detail["left"] == value(figures, "state_secret", "total")


@pytest.mark.parametrize("row", ["new", "carried_forward"])
def test_the_balance_of_applications_is_checked_in_every_column(row):
    figures = changed(generated("2021"), row, "total", 1)
    named = {(f.detail["check"], f.detail.get("column") or f.detail.get("row")) for f in check_sums(figures, "2021")}
    assert named == {(BALANCE.name, "total"), (ROW_SUM_3.name, row)}


def test_a_row_the_parser_did_not_read_breaks_no_sum():
    """A row lost by the parser makes its sums unknown, not broken: a finding would accuse the report."""
    figures = [f for f in generated("2021") if not (f.table == 3 and f.row == "repeated")]
    assert check_sums(figures, "2021") == []
    findings = check_sums(changed(figures, "disclosed", "research", 3), "2021")
    assert [(f.detail["check"], f.detail.get("row")) for f in findings] == [(ROW_SUM_3.name, "disclosed")]


def test_other_handling_printed_as_one_row_counts_for_its_sub_rows():
    """（六）其他处理 published as one row (no sub-rows) is the heading's value in the 2021 sums."""
    figures = generated("2021")
    parts = ("no_correction", "unpaid_fees", "other_reasons")
    one_row = [
        Figure(3, f.block, "other_handling", f.column, sum(value(figures, p, f.column) or 0 for p in parts), f.unit, "")
        for f in figures if (f.table, f.row) == (3, "no_correction")
    ]
    figures = [f for f in figures if not (f.table == 3 and f.row in parts)] + one_row
    assert check_sums(figures, "2021") == []
    named = {(f.detail["check"], f.detail.get("column") or f.detail.get("row")) for f in check_sums(changed(figures, "other_handling", "businesses", 2), "2021")}
    assert named == {(RESULTS_SUM.name, "businesses"), (ROW_SUM_3.name, "other_handling")}
