"""The plain-text reader's own decisions: which layout a text has, where a paragraph ends, what
line is a table row, which cells make a table."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Paragraph, Table
from ingest.readers.text import _is_prose, _table_line, _usual_width, blocks_from_cells, read, split_cells

WIDTH = 30  # the width the wrapped texts below were wrapped at
PROSE = "本机关认真贯彻落实政府信息公开条例要求并持续推进政务公开标准化规范化建设工作"  # 41 characters


def wrapped(text: str, width: int = WIDTH) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def tables(document) -> list[list[list[str | None]]]:
    return [block.rows for block in document.blocks if isinstance(block, Table)]


def paragraphs(document) -> list[str]:
    return [block.text for block in document.blocks if isinstance(block, Paragraph)]


@pytest.mark.parametrize("rule", ["|---|---|---|", "|:---|---:|:---:|", "| :--- | ---: | :---: |"])
def test_a_markdown_rule_line_with_or_without_alignment_is_no_row(rule):
    text = "\n".join(["一、总体情况", "| 事项 | 本年新制发件数 | 现行有效件数 |", rule, "| 规章 | 0 | 3 |"])
    document = read(Path("report.md"), text)
    assert document.kind == "text"
    assert tables(document) == [[["事项", "本年新制发件数", "现行有效件数"], ["规章", "0", "3"]]]


def test_a_page_copied_from_a_browser_keeps_its_blank_cells_and_its_last_cell():
    lines = ["行政许可", "", "3", "", "", "5", "", "7"]  # 3, a blank cell, 5, then 7 with no empty line after it
    assert split_cells(lines) == ["行政许可", "3", "", "5", "7"]
    document = read(Path("report.txt"), "\n".join(lines))
    assert document.kind == "text"
    assert tables(document) == [[["行政许可", "3", "", "5", "7"]]]


def test_three_numbers_make_a_table_and_two_do_not():
    assert [type(b) for b in blocks_from_cells(["行政许可", "1", "2", "3"])] == [Table]
    assert blocks_from_cells(["行政许可", "1", "2"]) == [Paragraph("行政许可"), Paragraph("1"), Paragraph("2")]


@pytest.mark.parametrize(
    "cell, prose",
    [
        ("本机关全年共受理政府信息公开申请三十件" * 3, True),  # longer than any label
        ("行" * 46, True),
        ("行" * 45, False),  # as long as a label may be
        ("按时办结；", True),  # a clause's end
        ("详见附件。其余略", True),  # a full stop inside
        ("1.信访举报投诉类申请", False),
        ("行政许可", False),
    ],
)
def test_prose_is_told_from_a_label(cell, prose):
    assert _is_prose(cell) is prose


@pytest.mark.parametrize(
    "line, row",
    [
        ("行政许可  0  3", ["行政许可", "0", "3"]),
        ("主动公开 政府 信息  12  3  —", ["主动公开 政府 信息", "12", "3", "—"]),  # a label in words, then values
        ("5  6  7", ["5", "6", "7"]),  # numbers whose label is on another line
        ("不予公开", ["不予公开"]),
        ("一、总体情况", None),  # a section's heading
        ("行政许可，0", None),  # a clause
        ("行政许可" * 12, None),  # too long for a label
    ],
)
def test_what_line_is_a_table_row(line, row):
    assert _table_line(line) == row


def test_the_usual_width_is_the_commonest_length_of_the_long_lines():
    assert _usual_width(["x" * 15, "x" * 15, "x" * 30, "x" * 5, "x" * 5, "x" * 5]) == 15
    assert _usual_width(["x" * 20, "x" * 30, "x" * 30, "x" * 20]) == 30  # a tie: the wider
    assert _usual_width(["短行"]) == 1_000


def test_a_numbered_sub_heading_starts_its_own_paragraph_after_a_wrapped_line():
    first, second = wrapped(PROSE)
    text = "\n".join([PROSE[:WIDTH], "一、加强组织领导", *wrapped(PROSE + "。"), first, second + "。"])
    document = read(Path("report.txt"), text)
    assert paragraphs(document)[:2] == [PROSE[:WIDTH], "一、加强组织领导"]


def test_a_full_width_line_without_numbers_opening_a_paragraph_is_prose_not_a_row():
    label_like = "深入推进基层政务公开标准化规范化建设持续提升公开质效"  # no clause mark, short enough for a label
    assert _table_line(label_like) == [label_like]
    lines = wrapped(PROSE + "。") + [label_like[:WIDTH - 2] + "工作", "全面完成。"] + wrapped(PROSE + "。")
    document = read(Path("report.txt"), "\n".join(lines))
    assert tables(document) == []
    assert label_like[:WIDTH - 2] + "工作全面完成。" in paragraphs(document)


def test_three_markdown_rows_make_a_converters_text():
    text = "\n".join(["一、总体情况", PROSE + "。", "| 事项 | 件数 |", "|---|---|", "| 行政许可 | 3 |"])
    assert tables(read(Path("report.md"), text)) == [[["事项", "件数"], ["行政许可", "3"]]]
