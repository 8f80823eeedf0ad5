"""Every cell read by hand into a corpus' expected.jsonl, through the reader and through `reportbot ask`.

The corpora: ../shared/corpus (skipped, saying so, when absent) and tests/corpus (kept with the
repository). Each report also keeps its body, year and format, and no page furniture in its name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.passages import ingest_and_index
from ingest.nationalformat import cell_labels, normalize_label
from ingest.parse import parse_report
from ingest.run import find_files
from tests.conftest import ROOT, SHARED_CORPUS

CORPORA = [SHARED_CORPUS, ROOT / "tests" / "corpus"]


def expected_cells() -> list[dict]:
    cells = []
    for corpus in CORPORA:
        listing = corpus / "expected.jsonl"
        if listing.exists():
            cells += [{**json.loads(line), "corpus": corpus} for line in listing.read_text("utf-8").splitlines() if line]
    return cells


CELLS = expected_cells()


def report_files() -> list[Path]:
    files, _ = find_files([c for c in CORPORA if c.exists()])
    return [f for f in files if f.name not in ("MANIFEST.md",)]


@pytest.fixture(scope="module")
def parsed():
    cache: dict[Path, object] = {}

    def get(path: Path):
        if path not in cache:
            cache[path] = parse_report(path)
        return cache[path]

    return get


def needs(corpus: Path) -> None:
    if not corpus.exists():
        pytest.skip(f"{corpus} is absent: the real reports live in ../shared/corpus beside the repo")


def cell_of(report, table: int, row: str, column: str):
    """The parsed figure whose row path ends with `row` and whose column is `column` (the format's words)."""
    found = []
    for figure in report.figures:
        path, label = cell_labels(report.format, figure.table, figure.block, figure.row, figure.column)
        if figure.table == table and label == column and (path == row or path.endswith(" / " + row)):
            found.append(figure)
    assert len(found) == 1, f"{row} / {column}: {len(found)} cells"
    return found[0]


@pytest.mark.skipif(not CELLS, reason="no expected.jsonl in any corpus")
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c['file']}-{c['table']}-{c['row'][-12:]}-{c['column']}")
def test_every_cell_read_by_hand_is_read_exactly(cell, parsed):
    needs(cell["corpus"])
    report = parsed(cell["corpus"] / cell["file"])
    assert (report.body, report.year) == (cell["body"], cell["year"])
    assert cell_of(report, cell["table"], cell["row"], cell["column"]).value == cell["value"]


def question(cell: dict) -> str:
    """How staff ask for one cell: the body, the year, the row's own words and the column."""
    printed = cell["row"].split(" / ")[-1]
    # 其他 and 总计 alone are column names too: those rows are asked for with their numbering.
    row = normalize_label(printed) if len(normalize_label(printed)) > 2 else printed
    return f"{cell['body']}{cell['year']}年{row}的{cell['column']}有多少"


@pytest.mark.skipif(not CELLS, reason="no expected.jsonl in any corpus")
def test_every_cell_read_by_hand_is_answered_by_reportbot_ask(data_dir):
    cells = [c for c in CELLS if c["corpus"].exists()]
    if not cells:
        pytest.skip("no corpus with an expected.jsonl is present")
    ingest_and_index(sorted({c["corpus"] / c["file"] for c in cells}), data_dir)
    lines = "\n".join(question(c) for c in cells) + "\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "-", "--json", "--data", str(data_dir)],
        input=lines, capture_output=True, text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(cells)
    for cell, answer in zip(cells, answers):
        where = f"{answer['question']} → {answer['text'][:80]}"
        assert answer["kind"] == "figure", where
        assert answer["value"] == cell["value"], where
        assert answer["report"]["body"] == cell["body"] and answer["report"]["year"] == cell["year"], where
        source = answer["source"]
        assert source["table"] == cell["table"] and source["column"] == cell["column"], where
        assert source["row"] == cell["row"] or source["row"].endswith(" / " + cell["row"]), where


@pytest.mark.parametrize("path", report_files() or [pytest.param(None, marks=pytest.mark.skip(reason="no corpus present"))])
def test_every_report_keeps_its_body_year_and_format_without_page_furniture(path, parsed):
    report = parsed(path)
    assert report.format == ("2019" if report.year <= 2020 else "2021")
    assert report.title.endswith(("报告", "年报")) and str(report.year) in report.title
    # A name is Chinese words only: no 标题:, #, brackets, spaces or digits left from the page.
    assert all("\u4e00" <= c <= "\u9fff" or c in "（）" for c in report.body), report.body
    assert not report.body.startswith(("标题", "题目", "正文")), report.body
