"""The four real reports: every cell of tables 2, 3 and 4 read exactly, sums checked."""

from __future__ import annotations

import pytest

from ingest.nationalformat import national_format
from ingest.parse import parse_report
from ingest.run import ingest_paths
from ingest.database import open_db
from tests.conftest import SAMPLE, shared_report

T3_COLUMNS = [c.key for c in national_format().table(3).blocks[0].columns]
T4_ROWS = [r.key for r in national_format().table(4).blocks[0].rows]
T4_COLUMNS = [c.key for c in national_format().table(4).blocks[0].columns]


def persons(n: int) -> str:
    """A Table 3 row where only 自然人 applied: n, five zeros, total n."""
    return f"{n} 0 0 0 0 0 {n}"


ZERO = persons(0)

# Published cells as printed ("_" is a blank cell), row by row in the format's column order.
EXPECTED = {
    "liuzhou-chengzhong-2020.txt": {
        "meta": ("柳州市城中区人民政府", 2020, "2019", "2021-01-29"),
        "table2": {
            "rules": "0 0 0", "normative_documents": "1 1 1",
            "licensing": "184项 减3项 2982", "other_services": "15 增35项 117",
            "penalties": "104 增1945 6487", "coercion": "0 增77 909",
            "fees": "1 减1", "procurement": "868 2694.35万元",
        },
        "table3": {
            "new": "27 4 0 0 0 0 31", "carried_over": persons(1),
            "disclosed": "5 2 0 0 0 0 7", "partly_disclosed": persons(1),
            "state_secret": ZERO, "prohibited_by_law": ZERO, "three_securities": ZERO,
            "third_party": persons(1), "internal_affairs": ZERO, "process_information": ZERO,
            "enforcement_files": ZERO, "administrative_query": "0 0 0 0 _ 0 0",
            "not_held": "16 2 0 0 0 0 18", "needs_creation": ZERO, "still_unclear": ZERO,
            "petitions": persons(5), "repeated": ZERO, "publications": ZERO,
            "mass_repeated": ZERO, "confirmation": ZERO, "other_handling": ZERO,
            "results_total": "28 4 0 0 0 0 32", "carried_forward": ZERO,
        },
        "table4": "1 0 0 0 1  0 0 0 0 0  0 0 0 1 1",
        "warnings": [],
    },
    "huaian-2024.pdf": {
        "meta": ("淮安市人民政府", 2024, "2021", None),
        "table2": {
            "rules": "1 0 11", "normative_documents": "8 26 66", "licensing": "447228",
            "penalties": "3985758", "coercion": "88283", "fees": "96171.6",
        },
        "table3": {
            "new": "3001 53 0 0 61 4 3119", "carried_over": persons(34),
            "disclosed": "1288 21 0 0 50 3 1362", "partly_disclosed": "447 7 0 0 0 0 454",
            "state_secret": persons(2), "prohibited_by_law": "30 1 0 0 0 0 31",
            "three_securities": persons(5), "third_party": persons(6),
            "internal_affairs": "7 1 0 0 0 0 8", "process_information": persons(12),
            "enforcement_files": persons(9), "administrative_query": persons(105),
            "not_held": "746 12 0 0 10 1 769", "needs_creation": persons(11),
            "still_unclear": persons(1), "petitions": "56 6 0 0 0 0 62", "repeated": persons(25),
            "publications": ZERO, "mass_repeated": ZERO, "confirmation": persons(1),
            "no_correction": "67 3 0 0 1 0 71", "unpaid_fees": persons(6),
            "other_reasons": "108 2 0 0 0 0 110", "results_total": "2932 53 0 0 61 4 3050",
            "carried_forward": persons(103),
        },
        "table4": "72 64 178 37 351  13 4 8 1 26  12 1 1 6 20",
        "warnings": [],
    },
    "hongze-2023.pdf": {
        "meta": ("淮安市洪泽区人民政府", 2023, "2021", None),
        "table2": {
            "rules": "0 0 0", "normative_documents": "0 5 5", "licensing": "550",
            "penalties": "4119", "coercion": "195", "fees": "7730.28",
        },
        "table3": {
            "new": persons(21), "carried_over": ZERO, "disclosed": ZERO, "partly_disclosed": persons(4),
            "state_secret": persons(1), "prohibited_by_law": ZERO, "three_securities": ZERO,
            "third_party": ZERO, "internal_affairs": ZERO, "process_information": persons(1),
            "enforcement_files": persons(1), "administrative_query": ZERO, "not_held": persons(10),
            "needs_creation": persons(3), "still_unclear": ZERO, "petitions": persons(1),
            "repeated": ZERO, "publications": ZERO, "mass_repeated": ZERO, "confirmation": ZERO,
            "other_handling": ZERO, "results_total": persons(21), "carried_forward": ZERO,
        },
        "table4": "10 1 0 0 0  0 0 0 0 0  5 0 0 0 0",
        # The published Table 4 totals are 0 where their parts add up to 11 and 5.
        "warnings": [("review", 0, 11), ("litigation_after_review", 0, 5)],
    },
    "hongze-2024.pdf": {
        "meta": ("淮安市洪泽区人民政府", 2024, "2021", None),
        "table2": {
            "rules": "0 0 0", "normative_documents": "3 0 8", "licensing": "9487",
            "penalties": "2776", "coercion": "84", "fees": "7545",
        },
        "table3": {
            "new": persons(95), "carried_over": ZERO, "disclosed": persons(50), "partly_disclosed": persons(9),
            "state_secret": ZERO, "prohibited_by_law": ZERO, "three_securities": persons(1),
            "third_party": ZERO, "internal_affairs": ZERO, "process_information": persons(1),
            "enforcement_files": persons(1), "administrative_query": ZERO, "not_held": persons(31),
            "needs_creation": persons(1), "still_unclear": ZERO, "petitions": persons(1),
            "repeated": ZERO, "publications": ZERO, "mass_repeated": ZERO, "confirmation": ZERO,
            "other_handling": ZERO, "results_total": persons(95), "carried_forward": ZERO,
        },
        "table4": "1 1 0 0 2  1 0 0 0 1  2 0 1 0 3",
        "warnings": [],
    },
}


def report_path(name: str):
    return SAMPLE if name == SAMPLE.name else shared_report(name)


def printed(cells: str) -> list[str]:
    return ["" if cell == "_" else cell for cell in cells.split()]


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = parse_report(report_path(name))
        return cache[name]

    return get


@pytest.mark.parametrize("name", EXPECTED)
def test_metadata(parsed, name):
    report = parsed(name)
    body, year, version, published = EXPECTED[name]["meta"]
    assert (report.body, report.year, report.format, report.published) == (body, year, version, published)
    assert sorted(report.sections) == [1, 2, 3, 4, 5, 6]
    assert len(report.sha256) == 64 and report.source_file == name


@pytest.mark.parametrize("name", EXPECTED)
def test_every_table3_cell(parsed, name):
    report = parsed(name)
    expected = {
        (row, column): raw
        for row, cells in EXPECTED[name]["table3"].items()
        for column, raw in zip(T3_COLUMNS, printed(cells), strict=True)
    }
    found = {(f.row, f.column): f.raw for f in report.figures if f.table == 3}
    assert found == expected
    for f in report.figures:
        if f.table == 3:
            assert f.value == (None if f.raw == "" else int(f.raw)) and f.unit == "件"


def test_blank_cell_stays_blank_and_keeps_columns(parsed):
    """Liuzhou's 8.属于行政查询事项 has a blank 法律服务机构 cell: stored blank, not 0,
    and the cells after it still land in their own columns."""
    report = parsed("liuzhou-chengzhong-2020.txt")
    blank = report.figure(3, "administrative_query", "legal_services")
    assert blank.value is None and blank.raw == ""
    assert report.figure(3, "administrative_query", "other_orgs").value == 0
    assert report.figure(3, "not_held", "natural_persons").value == 16
    assert report.figure(3, "not_held", "total").value == 18


@pytest.mark.parametrize("name", EXPECTED)
def test_every_table2_cell(parsed, name):
    report = parsed(name)
    fmt = national_format()
    expected = {}
    for block in fmt.table(2).blocks_in(report.format):
        for row in block.rows:
            for column, raw in zip(block.columns, printed(EXPECTED[name]["table2"][row.key]), strict=True):
                expected[(row.key, column.key)] = raw
    assert {(f.row, f.column): f.raw for f in report.figures if f.table == 2} == expected


def test_table2_values_and_units(parsed):
    report = parsed("liuzhou-chengzhong-2020.txt")
    assert report.figure(2, "licensing", "change").value == -3
    assert report.figure(2, "licensing", "change").unit == "项"
    assert report.figure(2, "penalties", "change").value == 1945
    amount = report.figure(2, "procurement", "procurement_amount")
    assert (amount.value, amount.unit, amount.raw) == (2694.35, "万元", "2694.35万元")
    fees = parsed("huaian-2024.pdf").figure(2, "fees", "fee_amount")
    assert (fees.value, fees.unit) == (96171.6, "万元")


@pytest.mark.parametrize("name", EXPECTED)
def test_every_table4_cell(parsed, name):
    report = parsed(name)
    cells = [(row, column) for row in T4_ROWS for column in T4_COLUMNS]
    expected = dict(zip(cells, (int(v) for v in EXPECTED[name]["table4"].split()), strict=True))
    assert {(f.row, f.column): f.value for f in report.figures if f.table == 4} == expected


@pytest.mark.parametrize("name", EXPECTED)
def test_sum_findings_exactly_where_sums_break(parsed, name):
    report = parsed(name)
    sums = [f for f in report.findings if f.kind == "sum"]
    broken = [(f.detail["row"], f.detail["left"], f.detail["right"]) for f in sums]
    assert broken == EXPECTED[name]["warnings"]
    assert all(f.detail["table"] == 4 for f in sums)
    assert not [w for w in report.warnings if w.code == "table"], "every table cell was read"


def test_published_numbers_are_never_corrected(parsed):
    report = parsed("hongze-2023.pdf")
    assert report.figure(4, "review", "total").value == 0
    assert report.figure(4, "litigation_after_review", "total").value == 0


def test_both_hongze_reports_are_one_body(data_dir):
    summary = ingest_paths([shared_report("hongze-2023.pdf"), shared_report("hongze-2024.pdf")], data_dir)
    assert summary.count("ingested") == 2
    db = open_db(data_dir)
    rows = list(db.query("SELECT body_id, body, year, title FROM reports ORDER BY year"))
    assert len({r["body_id"] for r in rows}) == 1
    assert [r["body"] for r in rows] == ["淮安市洪泽区人民政府"] * 2
    assert rows[0]["title"].startswith("洪泽区人民政府2023年")  # the title stays as printed
    assert db.execute("SELECT short_name FROM bodies").fetchone()[0] == "洪泽区"


@pytest.mark.parametrize("name", EXPECTED)
def test_passages_are_whole_sentences_not_table_cells(parsed, name):
    report = parsed(name)
    assert report.passages
    labels = {r.label for t in national_format().tables for b in t.blocks for r in b.rows}
    for passage in report.passages:
        assert passage.text not in labels
        # A passage ends where a sentence (or a clause leading into a list) ends, never mid-sentence.
        assert passage.text[-1] in "。！？；：:）)”", passage.text
        assert passage.section in range(0, 7)


def test_passage_from_the_huaian_pdf_is_joined_across_lines(parsed):
    report = parsed("huaian-2024.pdf")
    fee = [p for p in report.passages if "信息处理费" in p.text]
    assert fee and fee[0].section == 6
    assert fee[0].text == "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。"
