"""Export: every stored cell comes back from the CSV and the xlsx exactly as the database holds it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import cli
from bot.export import HEADERS, NoCells, NoSuchBody, NothingHeld, export_cells, sheet_name
from ingest.run import ingest_paths
from ingest.database import open_db
from tests.conftest import SAMPLE, SHARED_CORPUS

SHARED_PDFS = ("hongze-2023.pdf", "hongze-2024.pdf", "huaian-2024.pdf")
BLANK_ROW, BLANK_COLUMN = "8.属于行政查询事项", "法律服务机构"  # blank in the Liuzhou sample


def stored_cells(data_dir: Path) -> list[tuple]:
    """The database's figures, in the export's column order."""
    db = open_db(data_dir)
    try:
        return db.execute(
            "SELECT r.body, r.year, f.table_no, f.row_path, f.column_label, f.value, f.unit, f.raw, r.id, "
            "r.source_file FROM figures f JOIN reports r ON r.id = f.report_id"
        ).fetchall()
    finally:
        db.close()


def number(text: str) -> int | float | None:
    return None if text == "" else float(text) if "." in text else int(text)


def read_csv(path: Path) -> tuple[list[str], list[tuple]]:
    with path.open(encoding="utf-8-sig", newline="") as source:
        header, *rows = list(csv.reader(source))
    return header, [(b, int(y), int(t), rp, c, number(v), u, raw, rid, src) for b, y, t, rp, c, v, u, raw, rid, src in rows]


def read_xlsx(path: Path) -> dict[str, tuple[tuple, list[tuple]]]:
    book = load_workbook(path, read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        header, *rows = sheet.iter_rows(values_only=True)
        # openpyxl reads an empty text cell back as None; the database holds ''.
        sheets[sheet.title] = (header, [(*r[:7], r[7] or "", *r[8:]) for r in rows])
    book.close()
    return sheets


@pytest.fixture(scope="module", params=["sample", "four reports"])
def held(request, tmp_path_factory) -> Path:
    """A data dir with the sample, and for "four reports" the three shared PDFs too."""
    paths = [SAMPLE]
    if request.param == "four reports":
        missing = [name for name in SHARED_PDFS if not (SHARED_CORPUS / name).exists()]
        if missing:
            pytest.skip(f"{SHARED_CORPUS} lacks {', '.join(missing)}: the real reports live beside the repo")
        paths += [SHARED_CORPUS / name for name in SHARED_PDFS]
    directory = tmp_path_factory.mktemp("held")
    summary = ingest_paths(paths, directory, workers=1)
    assert summary.count("ingested") == len(paths), summary.line()
    return directory


def test_csv_round_trips_every_cell(held, tmp_path):
    path = tmp_path / "cells.csv"
    written = export_cells(held, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    header, rows = read_csv(path)
    assert tuple(header) == HEADERS
    expected = stored_cells(held)
    assert written == len(rows) == len(expected)
    assert sorted(rows, key=repr) == sorted(expected, key=repr)


def test_xlsx_round_trips_every_cell_a_sheet_per_table(held, tmp_path):
    path = tmp_path / "cells.xlsx"
    written = export_cells(held, path, fmt="xlsx")
    sheets = read_xlsx(path)
    assert list(sheets) == [sheet_name(2), sheet_name(3), sheet_name(4)]
    assert all(len(name) <= 31 for name in sheets)
    rows = []
    for name, (header, sheet_rows) in sheets.items():
        assert header == HEADERS
        assert {r[2] for r in sheet_rows} == {int(name[1])}  # 表3 holds table 3's cells only
        rows += sheet_rows
    expected = stored_cells(held)
    assert written == len(rows) == len(expected)
    assert sorted(rows, key=repr) == sorted(expected, key=repr)
    assert all(isinstance(r[5], (int, float)) for r in rows if r[5] is not None)  # numbers, not text


def test_a_blank_cell_is_exported_empty_not_zero(data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    export_cells(data_dir, tmp_path / "cells.csv")
    export_cells(data_dir, tmp_path / "cells.xlsx", fmt="xlsx")
    [blank] = [r for r in read_csv(tmp_path / "cells.csv")[1] if r[3].endswith(BLANK_ROW) and r[4] == BLANK_COLUMN]
    assert blank[5:8] == (None, "件", "")
    assert "法律服务机构,,件,," in (tmp_path / "cells.csv").read_text("utf-8-sig")
    [sheet] = [s for name, (_, s) in read_xlsx(tmp_path / "cells.xlsx").items() if name.startswith("表3")]
    [blank] = [r for r in sheet if r[3].endswith(BLANK_ROW) and r[4] == BLANK_COLUMN]
    assert blank[5] is None


@pytest.mark.parametrize("body", ["城中区", "柳州市城中区人民政府", "城中区人民政府", "城 中 区"])
def test_body_matches_a_name_or_short_name(data_dir, tmp_path, body):
    ingest_paths([SAMPLE], data_dir)
    assert export_cells(data_dir, tmp_path / "cells.csv", body=body, year=2020) == 198


def test_hongze_short_name_finds_the_full_name(tmp_path):
    pdf = SHARED_CORPUS / "hongze-2024.pdf"
    if not pdf.exists():
        pytest.skip(f"{pdf} is absent: the real reports live in ../shared/corpus beside the repo")
    data = tmp_path / "data"
    ingest_paths([SAMPLE, pdf], data, workers=1)
    export_cells(data, tmp_path / "cells.csv", body="洪泽区")
    assert {r[0] for r in read_csv(tmp_path / "cells.csv")[1]} == {"淮安市洪泽区人民政府"}


def test_refusals_are_named_errors_and_leave_no_file(data_dir, tmp_path):
    path = tmp_path / "cells.csv"
    with pytest.raises(NothingHeld):
        export_cells(data_dir, path)
    assert not data_dir.exists()  # refusing created no database
    ingest_paths([SAMPLE], data_dir)
    with pytest.raises(NoSuchBody, match="洪泽区"):
        export_cells(data_dir, path, body="洪泽区")
    with pytest.raises(NoCells, match="2019"):
        export_cells(data_dir, path, year=2019)
    assert list(tmp_path.glob("*cells.csv*")) == []


def test_cli_export_writes_and_refuses_in_one_line(data_dir, tmp_path):
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(SAMPLE)])
    result = runner.invoke(cli, ["export", "--body", "城中区", "--year", "2020", "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 0, result.output
    assert result.output == f"198 cells written to {tmp_path / 'c.xlsx'}\n"
    assert load_workbook(tmp_path / "c.xlsx").sheetnames[0].startswith("表2")  # format from the ending
    result = runner.invoke(cli, ["export", "--body", "洪泽区", "-o", str(tmp_path / "c.csv")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "洪泽区" in result.output


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    db = open_db(data_dir)
    with db.conn:
        db.execute("UPDATE reports SET source_file = '=HYPERLINK(\"http://example.invalid\")'")
    db.close()
    export_cells(data_dir, tmp_path / "cells.xlsx", fmt="xlsx")
    sheet = load_workbook(tmp_path / "cells.xlsx").worksheets[0]
    assert sheet["J2"].value.startswith("=HYPERLINK") and sheet["J2"].data_type == "s"


def test_an_export_goes_where_the_path_points_and_leaves_what_is_there_in_place(data_dir, tmp_path):
    """A link's target is replaced and the link kept; a pipe is written into, not replaced by a
    file (as root, -o /dev/full had turned the device into an ordinary file)."""
    import os
    import stat
    import threading

    ingest_paths([SAMPLE], data_dir)
    target, link = tmp_path / "cells.csv", tmp_path / "link.csv"
    link.symlink_to(target)
    export_cells(data_dir, link)
    assert link.is_symlink() and read_csv(target)[1]
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    export_cells(data_dir, pipe)
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert received and received[0] == target.read_bytes()


def test_an_exported_file_gets_the_mode_of_any_new_file(data_dir, tmp_path):
    """Not 0600 (a temporary file's): other staff on the machine read it as they read any file."""
    import os

    ingest_paths([SAMPLE], data_dir)
    old = os.umask(0o022)
    try:
        export_cells(data_dir, tmp_path / "cells.csv")
    finally:
        os.umask(old)
    assert (tmp_path / "cells.csv").stat().st_mode & 0o777 == 0o644
