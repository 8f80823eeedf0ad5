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
