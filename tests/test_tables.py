"""Table 3 as real copies print it: labels wrapped, split, lost; a row placed only where certain."""

from __future__ import annotations

import pytest

from ingest.document import Table
from ingest.nationalformat import national_format
from ingest.tables import extract_figures

VERSION = "2021"
BLOCK = national_format().table(3).blocks_in(VERSION)[0]
LEAVES = [row for row in BLOCK.rows_in(VERSION) if not row.is_group(VERSION)]


def numbers(position: int) -> list[str]:
    """Seven distinct cells for the row at `position`, so a row in the wrong place shows."""
    return [str(position * 10 + column) for column in range(7)]


def grid(*, drop_label: set[str] = frozenset(), label_above: set[str] = frozenset(), wrap: set[str] = frozenset()):
    """Table 3 as a grid, one row a format row, with some labels lost, moved or wrapped."""
    rows: list[list[str | None]] = [["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    for position, row in enumerate(LEAVES):
        label = row.label
        if row.key in drop_label:
            label = ""
        if row.key in label_above:
            rows.append([label] + [""] * 7)
            label = ""
        if row.key in wrap:
            half = len(label) // 2
            rows.append([label[:half]] + [None] * 7)
            label = label[half:]
        rows.append([label, *numbers(position)])
    return [(3, Table(rows=rows))]


def table3(figures) -> dict[str, list]:
    found: dict[str, list] = {}
    for figure in figures:
        if figure.table == 3:
            found.setdefault(figure.row, []).append(figure.value)
    return found


def expected(keys) -> dict[str, list]:
    return {row.key: [int(v) for v in numbers(p)] for p, row in enumerate(LEAVES) if row.key in keys}


def test_every_row_by_its_label():
    figures, warnings = extract_figures(grid(), VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES})
    assert not [w for w in warnings if w.code == "table" and "Table 3" in w.message]


def test_a_label_wrapped_over_two_rows_still_names_its_row():
    figures, _ = extract_figures(grid(wrap={"partly_disclosed", "no_correction"}), VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES})


def test_a_label_in_a_row_above_its_numbers_is_placed_by_the_formats_order():
    figures, _ = extract_figures(grid(label_above={"partly_disclosed"}), VERSION)
    assert table3(figures)["partly_disclosed"] == expected({"partly_disclosed"})["partly_disclosed"]


def test_unlabelled_rows_between_two_found_rows_take_the_missing_rows_in_order():
    lost = {"confirmation", "no_correction", "unpaid_fees"}
    figures, _ = extract_figures(grid(drop_label=lost), VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES})


def test_rows_that_cannot_be_placed_with_certainty_are_left_out_with_a_warning():
    # Two neighbouring labels lost and one of the two rows missing altogether: two places, one row.
    rows = grid(drop_label={"no_correction", "unpaid_fees"})[0][1].rows
    unpaid = next(i for i, r in enumerate(rows) if r[1:] == numbers([l.key for l in LEAVES].index("unpaid_fees")))
    del rows[unpaid]
    figures, warnings = extract_figures([(3, Table(rows=rows))], VERSION)
    found = table3(figures)
    assert "no_correction" not in found and "unpaid_fees" not in found
    assert any("cannot be placed with certainty" in w.message for w in warnings)
    # Every other row is still exact.
    assert {k: v for k, v in found.items()} == expected(set(found))


def test_a_fragment_of_another_rows_label_vetoes_the_placement():
    rows = grid(drop_label={"needs_creation"})[0][1].rows
    position = [l.key for l in LEAVES].index("needs_creation")
    row = next(r for r in rows if r[1:] == numbers(position))
    row[0] = "信访举报"  # a piece of 1.信访举报投诉类申请, not of 2.没有现成信息需要另行制作
    figures, warnings = extract_figures([(3, Table(rows=rows))], VERSION)
    assert "needs_creation" not in table3(figures)
    assert any("cannot be placed" in w.message for w in warnings)


@pytest.mark.parametrize("split_at", [1, 9, 20])
def test_a_table_split_into_pieces_reads_as_one(split_at):
    rows = grid()[0][1].rows
    pieces = [(3, Table(rows=rows[:split_at])), (3, Table(rows=rows[split_at:]))]
    figures, _ = extract_figures(pieces, VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES})


def test_a_row_blank_at_both_ends_takes_its_tables_extra_cell_side():
    """A converter adds an empty last cell to every row; a row whose first cell is blank too
    keeps that blank as its first column, as the table's other rows show."""
    rows = [[label, *cells, ""] for label, *cells in grid()[0][1].rows[1:]]
    position = [l.key for l in LEAVES].index("process_information")
    rows[position][1] = ""  # 自然人 printed blank
    figures, _ = extract_figures([(3, Table(rows=rows))], VERSION)
    assert table3(figures)["process_information"] == [None] + [int(v) for v in numbers(position)[1:]]


def test_a_row_blank_at_both_ends_with_no_evidence_is_refused():
    rows = grid()[0][1].rows
    position = [l.key for l in LEAVES].index("process_information")
    row = next(r for r in rows if r[1:] == numbers(position))
    row[1] = ""
    row.append("")  # only this row has an extra cell: which end is extra cannot be told
    figures, warnings = extract_figures([(3, Table(rows=rows))], VERSION)
    assert "process_information" not in table3(figures)
    assert any("process_information" in str(w.detail) or "6.属于四类过程性信息" in w.message for w in warnings)


def test_a_table2_row_away_from_its_block_heading_is_said_so_and_not_stored():
    blocks = national_format().table(2).blocks_in(VERSION)
    first, last = blocks[0], blocks[-1]
    row = first.rows[0]
    grid_rows = [[last.label], [last.rows[0].label, "7"], [row.label, "1", "2", "3"]]  # no heading of its own above
    figures, warnings = extract_figures([(2, Table(rows=grid_rows))], VERSION)
    assert not [f for f in figures if f.row == row.key]
    assert any(f"a row of {first.label} printed where that heading is not above it" in w.message for w in warnings)


def test_a_row_printed_twice_keeps_the_first_and_says_so():
    rows = grid()[0][1].rows
    position = [l.key for l in LEAVES].index("disclosed")
    at = next(i for i, r in enumerate(rows) if r[1:] == numbers(position))
    rows.insert(at + 1, [LEAVES[position].label, *[str(900 + c) for c in range(7)]])
    figures, warnings = extract_figures([(3, Table(rows=rows))], VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES})  # the rows after it too
    twice = [w for w in warnings if "printed twice" in w.message]
    assert [(w.message, w.detail) for w in twice] == [
        ("Table 3: row （一）予以公开 is printed twice; the first is kept", {"table": 3, "row": "disclosed"})
    ]


def test_a_label_wrapped_over_three_rows_still_names_its_row():
    rows = grid()[0][1].rows
    row = next(r for r in LEAVES if r.key == "partly_disclosed")
    position = LEAVES.index(row)
    at = next(i for i, r in enumerate(rows) if r[1:] == numbers(position))
    # Only the three pieces together name the row: the last two alone are too little of it.
    half, three_quarters = len(row.label) // 2, len(row.label) * 3 // 4
    pieces = [row.label[:half], row.label[half:three_quarters], row.label[three_quarters:]]
    rows[at : at + 1] = [[pieces[0]] + [None] * 7, [pieces[1]] + [None] * 7, [pieces[2], *numbers(position)]]
    rows.remove(next(r for r in rows if r[0] == "（一）予以公开"))  # so that no row order can place it instead
    figures, _ = extract_figures([(3, Table(rows=rows))], VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES} - {"disclosed"})


def test_a_label_wrapped_over_two_cells_of_one_row_still_names_its_row():
    rows = grid()[0][1].rows
    row = next(r for r in LEAVES if r.key == "partly_disclosed")
    at = next(i for i, r in enumerate(rows) if r[0] == row.label)
    half = len(row.label) // 2
    rows[at] = [row.label[:half], row.label[half:], *rows[at][1:]]
    rows.remove(next(r for r in rows if r[0] == "（一）予以公开"))  # so that no row order can place it instead
    figures, _ = extract_figures([(3, Table(rows=rows))], VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES} - {"disclosed"})


def test_a_row_with_a_label_not_in_the_format_is_not_stored_and_said():
    rows = grid()[0][1].rows
    rows.append(["8.本机关自定的一类申请", *[str(500 + c) for c in range(7)]])
    figures, warnings = extract_figures([(3, Table(rows=rows))], VERSION)
    assert table3(figures) == expected({r.key for r in LEAVES})
    unknown = [w for w in warnings if "not in the national format" in w.message]
    assert [(w.message, w.detail) for w in unknown] == [(
        "a table row labelled '8.本机关自定的一类申请' is not in the national format; its cells are not stored",
        {"label": "8.本机关自定的一类申请", "cells": [str(500 + c) for c in range(7)]},
    )]


def test_unlabelled_rows_are_placed_only_if_every_one_fits():
    """Two rows lost their labels; one still shows a piece of another row's label: neither is placed."""
    rows = grid(drop_label={"internal_affairs", "process_information"})[0][1].rows
    position = [l.key for l in LEAVES].index("process_information")
    row = next(r for r in rows if r[1:] == numbers(position))
    row[0] = "信访举报"  # a piece of 1.信访举报投诉类申请
    figures, warnings = extract_figures([(3, Table(rows=rows))], VERSION)
    found = table3(figures)
    assert "internal_affairs" not in found and "process_information" not in found
    internal = [l.key for l in LEAVES].index("internal_affairs")
    shown = " ".join(["", *numbers(internal)])  # its blank label cell, then its numbers
    assert (
        f"Table 3: a row printed between 4.保护第三方合法权益 and 7.属于行政执法案卷 ({shown}) "
        "cannot be placed with certainty; its cells are not stored"
    ) in [w.message for w in warnings]
    assert found == expected(set(found))
    missing = [w for w in warnings if w.message.startswith("Table 3: rows")]
    assert [(w.message, w.detail) for w in missing] == [(
        "Table 3: rows not found: 5.属于三类内部事务信息、6.属于四类过程性信息",
        {"table": 3, "rows": ["5.属于三类内部事务信息", "6.属于四类过程性信息"]},
    )]


def test_a_row_blank_at_both_ends_takes_its_tables_leading_extra_cell():
    """An empty label column in front of every row; a row whose 总计 is blank keeps it blank in 总计."""
    rows = [[label, "", *cells] for label, *cells in grid()[0][1].rows[1:]]
    position = [l.key for l in LEAVES].index("process_information")
    rows[position][-1] = ""  # 总计 printed blank
    figures, _ = extract_figures([(3, Table(rows=rows))], VERSION)
    assert table3(figures)["process_information"] == [int(v) for v in numbers(position)[:-1]] + [None]


def test_other_handling_printed_as_one_row_before_an_unlabelled_row():
    """（六）其他处理 without its sub-rows heads no run of rows to place: the row after it stays unplaced.
    Its sub-rows are not missing; a row missing after them still is."""
    rows = grid()[0][1].rows
    sub_rows = {"no_correction", "unpaid_fees", "other_reasons", "carried_forward"}
    keep = [r for r in rows if r[0] not in {l.label for l in LEAVES if l.key in sub_rows}]
    total_at = next(i for i, r in enumerate(keep) if r[0] == "（七）总计")
    keep[total_at:total_at] = [["（六）其他处理", *[str(700 + c) for c in range(7)]], ["", *[str(800 + c) for c in range(7)]]]
    figures, warnings = extract_figures([(3, Table(rows=keep))], VERSION)
    found = table3(figures)
    assert found["other_handling"] == [700 + c for c in range(7)]
    assert found == {**expected({r.key for r in LEAVES} - sub_rows), "other_handling": [700 + c for c in range(7)]}
    assert "Table 3: rows not found: 四、结转下年度继续办理" in [w.message for w in warnings]
