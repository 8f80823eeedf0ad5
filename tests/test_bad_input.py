"""Bad input is refused with one line naming the file and the reason; nothing is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from ingest.run import ingest_paths
from ingest.database import open_db
from tests.conftest import SAMPLE, shared_report

NOT_A_REPORT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>新闻动态</title></head>
<body><div class="nav"><a href="/">首页</a></div><div class="article"><h1>我区召开安全生产工作会议</h1>
<p>11月20日，区政府召开安全生产工作会议，部署冬季安全生产工作。</p></div></body></html>"""


def make_empty(tmp: Path) -> Path:
    path = tmp / "empty.txt"
    path.write_bytes(b"")
    return path


def make_junk(tmp: Path) -> Path:
    path = tmp / "report.pdf.bin"
    path.write_bytes(bytes(range(256)) * 64)
    return path


def make_corrupt_pdf(tmp: Path) -> Path:
    path = tmp / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    return path


def make_truncated_pdf(tmp: Path) -> Path:
    path = tmp / "truncated.pdf"
    path.write_bytes(shared_report("huaian-2024.pdf").read_bytes()[:5000])
    return path


def make_not_a_report(tmp: Path) -> Path:
    path = tmp / "news.html"
    path.write_text(NOT_A_REPORT_PAGE, "utf-8")
    return path


def make_missing(tmp: Path) -> Path:
    return tmp / "no-such-report.txt"


BAD_INPUTS = {
    make_empty: "the file is empty",
    make_junk: "binary data",
    make_corrupt_pdf: "corrupt or unreadable PDF",
    make_truncated_pdf: "corrupt or unreadable PDF",
    make_not_a_report: "no title of a 政府信息公开工作年度报告",
    make_missing: "no such file or folder",
}


@pytest.mark.parametrize("make", BAD_INPUTS, ids=lambda f: f.__name__.removeprefix("make_"))
def test_refused_with_reason_and_earlier_data_survives(make, data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    bad = make(tmp_path)
    summary = ingest_paths([bad], data_dir)
    [outcome] = summary.outcomes
    assert outcome.status == "refused"
    assert outcome.reason.startswith(str(bad)) and BAD_INPUTS[make] in outcome.reason
    assert "\n" not in outcome.reason
    db = open_db(data_dir)
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM figures").fetchone()[0] == 198


def test_other_files_in_the_run_are_still_ingested_and_exit_is_nonzero(data_dir, tmp_path):
    bad = make_junk(tmp_path)
    result = CliRunner().invoke(cli, ["ingest", str(bad), str(SAMPLE), "--data", str(data_dir)])
    assert result.exit_code == 1
    assert f"refused  {bad}: binary data" in result.output
    assert "1 ingested, 0 replaced, 1 refused" in result.output


def test_a_report_whose_tables_cannot_be_parsed_keeps_its_passages(data_dir, tmp_path):
    text = SAMPLE.read_text("utf-8")
    start, end = text.index("二、主动公开政府信息情况"), text.index("五、存在的主要问题及改进情况")
    path = tmp_path / "no-tables.txt"
    path.write_text(text[:start] + text[end:], "utf-8")
    summary = ingest_paths([path], data_dir)
    [outcome] = summary.outcomes
    assert outcome.status == "ingested"
    assert any("Table 3" in w and "not found" in w for w in outcome.warnings)
    db = open_db(data_dir)
    assert db.execute("SELECT passage_count, figure_count FROM reports").fetchone() == (27, 0)


def test_gbk_encoded_text_is_read(data_dir, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SAMPLE.read_text("utf-8").encode("gb18030"))
    [outcome] = ingest_paths([path], data_dir).outcomes
    assert outcome.status == "ingested" and outcome.body == "柳州市城中区人民政府" and not outcome.warnings


def make_scanned_pdf(tmp: Path) -> Path:
    """A PDF with only drawings, like a scanned 图片版 report: no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp / "scanned.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.rect(100, 100, 300, 500, fill=1)
    page.showPage()
    page.save()
    return path


def make_corrupt_docx(tmp: Path) -> Path:
    import zipfile

    path = tmp / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><not closed")
    return path


@pytest.mark.parametrize(
    "make, reason",
    [(make_scanned_pdf, "no text layer"), (make_corrupt_docx, "corrupt or unreadable Word document")],
    ids=["scanned-pdf", "corrupt-docx"],
)
def test_more_refusals_name_the_file_and_reason(make, reason, data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    bad = make(tmp_path)
    [outcome] = ingest_paths([bad], data_dir).outcomes
    assert outcome.status == "refused"
    assert outcome.reason.startswith(str(bad)) and reason in outcome.reason
    assert open_db(data_dir).execute("SELECT count(*) FROM figures").fetchone()[0] == 198
