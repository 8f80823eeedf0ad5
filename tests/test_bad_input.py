"""Bad input is refused with one line naming the file and the reason; nothing is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from ingest.database import open_db
from ingest.errors import UnsupportedFile
from ingest.parse import parse_report
from ingest.readers import read_document
from ingest.run import ingest_paths
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


def make_encrypted_pdf(tmp: Path) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    path = tmp / "locked.pdf"
    page = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", "owner"))
    page.drawString(100, 700, "2020年政府信息公开工作年度报告")
    page.showPage()
    page.save()
    return path


def make_fifo(tmp: Path) -> Path:
    path = tmp / "report.txt"
    os.mkfifo(path)  # nobody writes: opening it to read would block for ever
    return path


def make_socket(tmp: Path) -> Path:
    import socket

    path = tmp / "report.txt"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))  # the socket stays in the folder once closed
    return path


def make_device(tmp: Path) -> Path:
    return Path("/dev/null")


def make_io_error(tmp: Path) -> Path:
    """A regular file whose read fails: /proc/self/mem at offset 0 is unmapped memory."""
    return Path("/proc/self/mem")


BAD_INPUTS = {
    make_empty: "the file is empty",
    make_junk: "binary data",
    make_corrupt_pdf: "a damaged PDF (no document catalogue)",
    make_truncated_pdf: "a damaged PDF (it ends too early: truncated)",
    make_encrypted_pdf: "an encrypted (password-protected) PDF",
    make_not_a_report: "no title of a 政府信息公开工作年度报告",
    make_missing: "no such file or folder",
    make_fifo: "not a regular file (a FIFO (named pipe))",
    make_socket: "not a regular file (a socket)",
    make_device: "not a regular file (a character device)",
    make_io_error: "cannot be read (Input/output error)",
}

# Which refusal each is, for front ends to say in their own words (the bot says them in Chinese).
REFUSAL_KINDS = {make_not_a_report: "not_a_report", make_missing: "missing", make_io_error: "unreadable"}


@pytest.mark.parametrize("make", BAD_INPUTS, ids=lambda f: f.__name__.removeprefix("make_"))
def test_refused_with_reason_and_earlier_data_survives(make, data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    bad = make(tmp_path)
    summary = ingest_paths([bad], data_dir)
    [outcome] = summary.outcomes
    assert outcome.status == "refused"
    assert outcome.reason.startswith(str(bad)) and BAD_INPUTS[make] in outcome.reason
    assert outcome.refusal == REFUSAL_KINDS.get(make, "unsupported")
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
    assert db.execute("SELECT passage_count, figure_count FROM reports").fetchone() == (26, 0)


@pytest.mark.parametrize(
    "codec, encoding",
    [("gb18030", "gb18030"), ("utf-16", "utf-16-le"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")],
    ids=["gb18030", "utf-16-with-bom", "utf-16-le-without-bom", "utf-16-be-without-bom"],
)
def test_text_in_other_encodings_is_read(codec, encoding, data_dir, tmp_path):
    path = tmp_path / f"{codec}.txt"
    path.write_bytes(SAMPLE.read_text("utf-8").encode(codec))
    assert read_document(path).hints["encoding"] == encoding
    [outcome] = ingest_paths([path], data_dir).outcomes
    assert outcome.status == "ingested" and outcome.body == "柳州市城中区人民政府" and not outcome.warnings
    assert open_db(data_dir).execute("SELECT count(*) FROM figures").fetchone()[0] == 198


# Traditional characters, as a Big5 file holds them; every byte pair is valid GB18030 too.
TRADITIONAL = """臺北市政府2020年政府資訊公開工作年度報告
一、總體情況
本機關認真貫徹落實《政府資訊公開條例》，主動公開政府資訊共計1,234條，受理依申請公開政府資訊申請95件，均已按時辦結。
二、主動公開政府資訊情況
本年新製作並公開規章3件，規範性檔案12件；行政許可處理決定2982件，行政處罰決定156件。
"""


def test_big5_text_is_read_as_big5_not_as_gb18030(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    TRADITIONAL.encode("big5").decode("gb18030")  # readable as GB18030 too, as garbage
    document = read_document(path)
    assert document.hints["encoding"] == "big5"
    assert document.paragraphs() == TRADITIONAL.split("\n")[:-1]


def test_a_folder_given_as_a_file_is_not_a_regular_file(tmp_path):
    with pytest.raises(UnsupportedFile, match="not a regular file \\(a folder\\)"):
        parse_report(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission_is_refused_with_the_reason(data_dir, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_bytes(SAMPLE.read_bytes())
    path.chmod(0)
    [outcome] = ingest_paths([path], data_dir).outcomes
    assert outcome.reason == f"{path}: cannot be read (Permission denied)"


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
    [(make_scanned_pdf, "no text layer"), (make_corrupt_docx, "a damaged Word document")],
    ids=["scanned-pdf", "corrupt-docx"],
)
def test_more_refusals_name_the_file_and_reason(make, reason, data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    bad = make(tmp_path)
    [outcome] = ingest_paths([bad], data_dir).outcomes
    assert outcome.status == "refused"
    assert outcome.reason.startswith(str(bad)) and reason in outcome.reason
    assert open_db(data_dir).execute("SELECT count(*) FROM figures").fetchone()[0] == 198
