"""Findings: the sums, the prose against the tables, the carry-over from last year; `reportbot check`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answer import Engine
from bot.cli import cli
from index.passages import ingest_and_index
from ingest.database import database_path
from ingest.parse import parse_report
from ingest.read import held_reports, open_existing
from reportgen import generate_report, render_html
from tests.conftest import SAMPLE, shared_report

BODY = "淮安市清江浦区人民政府"


def with_cells(report, changes: dict[tuple[str, str], int]):
    """The generated report with some Table 3 cells set to other numbers."""
    cells = dict(report.cells)
    for (row, column), value in changes.items():
        key = next(k for k in cells if k[0] == 3 and k[2] == row and k[3] == column)
        cells[key] = (value, str(value))
    return dataclasses.replace(report, cells=cells)


def write(report, directory: Path) -> Path:
    path = directory / f"{report.year}.html"
    path.write_text(render_html(report), "utf-8")
    return path


def carried_forward(report) -> dict[str, int]:
    return {k[3]: v for k, (v, _) in report.cells.items() if k[0] == 3 and k[2] == "carried_forward"}


def findings_of(data_dir: Path, year: int, kind: str) -> list:
    db = open_existing(data_dir)
    try:
        return [f for r in held_reports(db) if r.year == year for f in r.findings if f.kind == kind]
    finally:
        db.close()


def test_the_prose_that_disagrees_with_table3_is_a_finding():
    report = parse_report(shared_report("hongze-2024.pdf"))
    prose = [f for f in report.findings if f.kind == "prose"]
    assert [(f.detail["row"], f.detail["prose"], f.detail["table_value"]) for f in prose] == [("new", 17, 95)]
    assert "受理政府信息公开申请17件" in prose[0].detail["sentence"]


def test_prose_that_agrees_with_the_tables_is_no_finding():
    report = parse_report(shared_report("huaian-2024.pdf"))
    assert [f for f in report.findings if f.kind == "prose"] == []
    # It does state figures the tables hold: 3119 received, 3050 answered, 103 carried forward.
    text = "".join(p.text for p in report.passages)
    assert "3119" in text and "3050" in text and "103" in text


def test_a_figure_answer_says_when_the_reports_prose_disagrees(data_dir):
    ingest_and_index([shared_report("hongze-2024.pdf")], data_dir)
    answer = Engine(data_dir).answer("洪泽区2024年新收政府信息公开申请多少件")
    assert answer.value == 95 and answer.source["row"] == "一、本年新收政府信息公开申请数量"
    assert "17件" in answer.text and "以上数字照表格给出" in answer.text


@pytest.mark.parametrize("agree", [True, False])
def test_carry_over_against_the_year_before(agree, data_dir, tmp_path):
    last = generate_report(7, body=BODY, year=2022)
    this = generate_report(8, body=BODY, year=2023)
    forward = carried_forward(last)
    carried = dict(forward) if agree else {**forward, "total": forward["total"] + 3}
    this = with_cells(this, {("carried_over", column): value for column, value in carried.items()})
    ingest_and_index([write(last, tmp_path), write(this, tmp_path)], data_dir)

    found = findings_of(data_dir, 2023, "carry-over")
    if agree:
        assert found == []
    else:
        assert [c["column"] for c in found[0].detail["columns"]] == ["total"]
        assert found[0].detail["columns"][0]["this_year"] == forward["total"] + 3
        assert found[0].detail["previous_year"] == 2022


def test_carry_over_is_checked_again_when_the_year_before_arrives_later(data_dir, tmp_path):
    last = generate_report(7, body=BODY, year=2022)
    this = generate_report(8, body=BODY, year=2023)
    this = with_cells(this, {("carried_over", "total"): carried_forward(last)["total"] + 1})
    ingest_and_index([write(this, tmp_path)], data_dir)
    assert findings_of(data_dir, 2023, "carry-over") == []  # nothing to compare with yet
    ingest_and_index([write(last, tmp_path)], data_dir)
    assert len(findings_of(data_dir, 2023, "carry-over")) == 1


def test_check_on_a_draft_reports_a_broken_total_and_stores_nothing(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    before = database_path(data_dir).read_bytes()
    draft = generate_report(3, body=BODY, year=2023)
    total = next(v for k, (v, _) in draft.cells.items() if k[0] == 3 and k[2] == "results_total" and k[3] == "total")
    draft = with_cells(draft, {("results_total", "total"): total + 5})
    path = write(draft, tmp_path)

    result = CliRunner().invoke(cli, ["check", str(path), "--json", "--data", str(data_dir)])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)
    assert findings and all(f["kind"] == "sum" for f in findings)
    assert all(f["report"] == {"id": None, "body": BODY, "year": 2023} for f in findings)
    # The changed cell breaks its row's sum and both column sums of its column, and nothing else.
    named = {(f["detail"]["check"], f["detail"].get("row") or f["detail"].get("column")) for f in findings}
    assert named == {
        ("总计 = 自然人 + 法人或其他组织", "results_total"),
        ("一 + 二 = 三（七）总计 + 四", "total"),
        ("（七）总计 = （一）+（二）+（三）+（四）+（五）+（六）", "total"),
    }
    assert database_path(data_dir).read_bytes() == before
    assert [r.id for r in held_reports(open_existing(data_dir))] == ["1-2020"]


def test_check_says_what_was_understood_and_sorts_the_reports(data_dir, tmp_path):
    (tmp_path / "notes.txt").write_text("会议纪要：今天讨论了网站改版。", "utf-8")
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), str(tmp_path / "notes.txt"), "--data", str(data_dir)])
    assert result.exit_code == 1  # a file was refused
    assert "柳州市城中区人民政府 2020, format 2019: read fully" in result.output
    assert "table 3: 161 cells" in result.output
    assert "notes.txt: refused: no title" in result.output
    assert result.output.strip().endswith("2 reports: 1 read fully, 0 sums broken as published, 0 cells skipped, 1 refused")
    assert not database_path(data_dir).exists()


def test_check_of_a_report_held_by_its_id(data_dir):
    ingest_and_index([SAMPLE], data_dir)
    result = CliRunner().invoke(cli, ["check", "1-2020", "--data", str(data_dir)])
    assert result.exit_code == 0 and "1-2020: 柳州市城中区人民政府 2020" in result.output
    result = CliRunner().invoke(cli, ["check", "9-1999", "--data", str(data_dir)])
    assert result.exit_code == 1 and "no such file, nor a report held" in result.output


def test_prose_counting_last_years_applications_in_is_no_finding(tmp_path):
    """共受理N件 often counts 上年结转 in with 新收: the generator writes it so, and real reports do too."""
    report = generate_report(7, body=BODY, year=2022)
    text = render_html(report)
    new, carried = (
        next(v for k, (v, _) in report.cells.items() if k[0] == 3 and k[2] == row and k[3] == "total")
        for row in ("new", "carried_over")
    )
    assert carried and f"受理政府信息公开申请{new + carried}件" in text.replace(" ", "")
    assert [f for f in parse_report(write(report, tmp_path)).findings if f.kind == "prose"] == []
