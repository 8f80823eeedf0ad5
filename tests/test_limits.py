"""Bounded work for any input: each limit refuses with its name, hostile inputs read in linear
time, a zip bomb in bounded memory, and a worker over its time or memory cap costs only its file."""

from __future__ import annotations

import dataclasses
import json
import re
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest

from config import load_settings
from ingest.database import open_db
from ingest.errors import RefusedFile
from ingest.parse import parse_report
from ingest.readers.pdf import tidy
from ingest.run import ingest_paths
from reportgen import generate_report, render_text
from tests.conftest import ROOT, SAMPLE

TITLE = "柳州市城中区人民政府2020年政府信息公开工作年度报告\n\n"
MB = 1_000_000
# CRC-32 of that many MiB of zero bytes (the 1 GiB one takes seconds to compute).
ZEROS_CRC = {5: 0xC93BB375, 1024: 0x5B64C2B0}


def limits(**changes):
    return dataclasses.replace(load_settings().limits, **changes)


def write_zip(path: Path, entries: list[tuple[str, int, bytes, int, int]]) -> Path:
    """A zip of (name, method, stored bytes, inflated size, CRC) entries, written as the format says."""
    body, directory = bytearray(), bytearray()
    for name, method, data, size, crc in entries:
        offset, encoded = len(body), name.encode()
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0)
        body += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset
        )
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def write_docx_bomb(path: Path, mebibytes: int, stated: int | None = None) -> Path:
    """A DOCX whose word/document.xml inflates to `mebibytes` MiB of zeros, about 1 KB a MiB zipped.

    Each MiB is deflated once and its blocks repeated (a full flush makes them independent),
    so neither writing nor checking the bomb ever holds the inflated bytes. `stated`: the
    size the zip's directory claims instead (and the CRC of that many zeros).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    size, crc = (mebibytes << 20, ZEROS_CRC[mebibytes]) if stated is None else (stated, zlib.crc32(bytes(stated)))
    types = b"<Types/>"
    return write_zip(
        path,
        [
            ("[Content_Types].xml", 0, types, len(types), zlib.crc32(types)),
            ("word/document.xml", 8, block * mebibytes + b"\x03\x00", size, crc),
        ],
    )


def two_reports(tmp_path: Path) -> tuple[Path, Path]:
    paths = []
    for seed in (1, 2):
        path = tmp_path / f"good-{seed}.txt"
        path.write_text(render_text(generate_report(seed=seed, year=2022)), "utf-8")
        paths.append(path)
    return paths[0], paths[1]


def test_the_zip_bomb_helper_makes_a_valid_zip(tmp_path):
    import zipfile

    with zipfile.ZipFile(write_docx_bomb(tmp_path / "small.docx", 5)) as archive:
        assert archive.read("word/document.xml") == bytes(5 << 20)  # CRC checked too


def test_each_limit_is_a_setting_overridden_by_the_environment():
    defaults = load_settings(environ={}).limits
    for field in dataclasses.fields(defaults):
        variable = f"REPORTBOT_{field.name.upper()}"
        changed = load_settings(environ={variable: "7"}).limits
        assert getattr(changed, field.name) == 7 and getattr(defaults, field.name) != 7


# ---------------------------------------------------------------- each limit, by name


def three_page_pdf(tmp: Path) -> Path:
    from reportlab.pdfgen import canvas

    path = tmp / "long.pdf"
    page = canvas.Canvas(str(path))
    for number in range(3):
        page.drawString(100, 700, f"page {number}")
        page.showPage()
    page.save()
    return path


def nested_html(tmp: Path) -> Path:
    path = tmp / "nested.html"
    path.write_text(f"<html><body><p>{TITLE}</p>" + "<div>" * 150 + "一、总体情况" + "</div>" * 150 + "</body></html>", "utf-8")
    return path


def big_text(tmp: Path) -> Path:
    path = tmp / "big.txt"
    path.write_bytes(SAMPLE.read_bytes() * 150)  # 2.2 MB
    return path


LIMITED = [
    ("max_file_mb", 1, big_text, r"is 2\.2 MB, over the limit of 1 MB \(max_file_mb\)"),
    ("max_pdf_pages", 2, three_page_pdf, r"a PDF of more than 2 pages, over the limit of 2 pages \(max_pdf_pages\)"),
    (
        "max_inflated_mb", 200, lambda tmp: write_docx_bomb(tmp / "bomb.docx", 1024),
        r"inflates to 1024 MB, over the limit of 200 MB \(max_inflated_mb\)",
    ),
    (
        "max_zip_ratio", 100, lambda tmp: write_docx_bomb(tmp / "ratio.docx", 5),
        r"its part word/document\.xml inflates \d{4} times, over the limit of 100 times \(max_zip_ratio\)",
    ),
    ("max_html_depth", 100, nested_html, r"HTML elements nested 152 deep, over the limit of 100 \(max_html_depth\)"),
    ("max_text_chars", 1000, lambda tmp: SAMPLE, r"[\d,]+ characters of text, over the limit of 1,000 \(max_text_chars\)"),
    ("max_table_cells", 100, lambda tmp: SAMPLE, r"a table of [\d,]+ cells or more, over the limit of 100 \(max_table_cells\)"),
]


@pytest.mark.parametrize("name, value, make, reason", LIMITED, ids=[case[0] for case in LIMITED])
def test_each_limit_refuses_with_its_name_and_earlier_data_survives(name, value, make, reason, data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    path = make(tmp_path)
    [outcome] = ingest_paths([path], data_dir, limits=limits(**{name: value})).outcomes
    assert outcome.status == "refused"
    assert outcome.reason.startswith(f"{path}: ") and re.fullmatch(reason, outcome.reason.removeprefix(f"{path}: "))
    assert open_db(data_dir).execute("SELECT count(*) FROM figures").fetchone()[0] == 198


# ---------------------------------------------------------------- a zip bomb, in bounded memory

BOMB_SCRIPT = textwrap.dedent(
    """
    import resource, sys, time
    from pathlib import Path
    from ingest.run import ingest_paths

    started = time.perf_counter()
    [outcome] = ingest_paths([Path(sys.argv[1])], Path(sys.argv[2])).outcomes
    print(outcome.reason)
    print(time.perf_counter() - started)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)  # the workers, in MB
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """
)


def test_a_zip_bomb_is_refused_quickly_in_bounded_memory(tmp_path):
    """A 1 MB DOCX inflating to 1 GiB, ingested in a small process of its own so that the
    peak RSS measured is the worker's, not the test runner's."""
    bomb = write_docx_bomb(tmp_path / "bomb.docx", 1024)
    assert bomb.stat().st_size < 1_200_000
    run = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(bomb), str(tmp_path / "data")],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
    )
    reason, seconds, worker_mb, parent_mb = run.stdout.splitlines()
    assert reason.endswith("inflates to 1024 MB, over the limit of 200 MB (max_inflated_mb)")
    assert float(seconds) < 10
    assert int(worker_mb) < 300 and int(parent_mb) < 300


def test_a_zip_whose_directory_understates_a_part_inflates_no_more_than_it_states(data_dir, tmp_path):
    """zipfile stops at the size the directory states: a lie gets a truncated, unreadable part."""
    liar = write_docx_bomb(tmp_path / "liar.docx", 1024, stated=1000)
    started = time.perf_counter()
    [outcome] = ingest_paths([liar], data_dir).outcomes
    assert outcome.status == "refused" and "a damaged Word document" in outcome.reason
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------- worker caps


def test_a_file_over_the_time_cap_is_refused_and_the_others_ingested(data_dir, tmp_path):
    first, last = two_reports(tmp_path)
    slow = tmp_path / "slow.txt"
    slow.write_text(TITLE + "政府信息公开。\n" * 100_000, "utf-8")  # legal, and seconds of work
    started = time.perf_counter()
    # One worker: the last file waits in the queue of the worker that is killed, and is sent again.
    outcomes = ingest_paths([first, slow, last], data_dir, workers=1, limits=limits(worker_timeout_s=1)).outcomes
    assert [o.status for o in outcomes] == ["ingested", "refused", "ingested"]
    assert outcomes[1].reason == f"{slow}: took longer than 1 s to parse (worker_timeout_s)"
    assert outcomes[1].refusal == "over_limit"
    assert time.perf_counter() - started < 10


CAPPED_SCRIPT = textwrap.dedent(
    """
    import dataclasses, json, sys
    from pathlib import Path
    from config import load_settings
    from ingest.run import ingest_paths

    limits = dataclasses.replace(load_settings().limits, worker_memory_mb=int(sys.argv[1]))
    summary = ingest_paths([Path(p) for p in sys.argv[3:]], Path(sys.argv[2]), workers=1, limits=limits)
    print(json.dumps([[o.status, o.reason] for o in summary.outcomes]))
    """
)


def test_a_file_over_the_memory_cap_is_refused_and_the_others_ingested(tmp_path):
    """In a small process of its own: a worker forked from a large one (the test runner) may
    reuse the free heap it inherits, which the cap, counted from the worker's start, leaves out."""
    first, last = two_reports(tmp_path)
    # Python runs out in one (MemoryError), lxml in the other (an error of its own).
    paragraphs, nested = tmp_path / "paragraphs.html", tmp_path / "nested.html"
    paragraphs.write_text(f"<html><body><p>{TITLE}</p>" + "<p>政府信息公开，依法公开。</p>" * 40_000 + "</body></html>", "utf-8")
    nested.write_bytes(_html('<div class="nav">' * 95 + "总体情况" + "<p>政府信息公开。</p>" * 40_000 + "</div>" * 95))
    files = [first, paragraphs, nested, last]
    run = subprocess.run(
        [sys.executable, "-c", CAPPED_SCRIPT, "20", str(tmp_path / "data"), *map(str, files)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
    )
    outcomes = json.loads(run.stdout)
    assert [status for status, _ in outcomes] == ["ingested", "refused", "refused", "ingested"]
    for path, (_, reason) in zip(files[1:3], outcomes[1:3]):
        assert reason == f"{path}: needed more than 20 MB of memory to parse (worker_memory_mb)"


def test_parsing_runs_in_workers_when_the_caller_has_other_threads(data_dir, tmp_path):
    """The bot ingests from a thread beside its event loop: workers then start from a fork server."""
    import threading

    from ingest.run import process_context

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert process_context().get_start_method() == "forkserver"
        first, last = two_reports(tmp_path)
        outcomes = ingest_paths([first, last], data_dir, workers=2, limits=limits(worker_timeout_s=30)).outcomes
    finally:
        stop.set()
        thread.join()
    assert [o.status for o in outcomes] == ["ingested", "ingested"]


# ---------------------------------------------------------------- linear time on hostile input


def _html(body: str) -> bytes:
    return f"<html><body><p>{TITLE.strip()}</p>{body}</body></html>".encode()


HOSTILE = {
    "one huge line": lambda: (TITLE + "政" * (MB // 3)).encode(),
    "one huge line of ASCII": lambda: (TITLE + "a" * (MB - 100)).encode(),
    "a 1 MB line of clauses without a sentence mark": lambda: (TITLE + "一、总体情况\n" + "政府，" * (MB // 9)).encode(),
    "deep nesting": lambda: _html("<div>" * (MB // 5)),
    "nesting just under the limit, chrome in chrome": lambda: _html(
        '<div class="nav">' * 95 + "总体情况<p>" + "政府信息公开" * 55_000 + "</p>" + "</div>" * 95
    ),
    "thousands of table cells": lambda: _html("<table>" + ("<tr>" + "<td>政府信息公开申请数量共计十件</td>" * 10 + "</tr>") * 1_900 + "</table>"),
    "merged cells that multiply": lambda: _html("<table>" + ("<tr>" + '<td rowspan="100" colspan="100">1</td>' * 10 + "</tr>") * 2_500 + "</table>"),
    "rows under a rowspan": lambda: _html("<table>" + '<tr><td rowspan="100">1</td></tr>' * 30_000 + "</table>"),
    "empty lines": lambda: (TITLE + "a\n" + "\n" * MB + "b\n").encode(),
    "a markdown row of many cells": lambda: (TITLE + ("| " + " | ".join(["1"] * (MB // 12)) + " |\n") * 3).encode(),
    "a run of digits in the prose": lambda: (TITLE + "一、总体情况\n受理申请，" + "1" * (MB - 200) + "。\n").encode(),
    "digits and commas in the prose": lambda: (TITLE + "一、总体情况\n受理申请，" + "1，" * (MB // 4) + "。\n").encode(),
    "the body named again and again": lambda: (
        TITLE + "一、总体情况\n" + "广西壮族自治区柳州市城中区人民政府，" * (MB // 54) + "\n"
    ).encode(),
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=list(HOSTILE))
def test_hostile_input_is_read_or_refused_in_linear_time(make, tmp_path):
    path = tmp_path / "hostile"
    path.write_bytes(make())
    assert 0.9 * MB < path.stat().st_size < 1.6 * MB
    started = time.perf_counter()
    try:
        parse_report(path)
    except RefusedFile:
        pass
    assert time.perf_counter() - started < 5


def test_a_docx_table_merged_down_many_rows_reads_in_linear_time(tmp_path):
    import zipfile

    import docx

    path = tmp_path / "merged.docx"
    document = docx.Document()
    document.add_paragraph(TITLE.strip())
    document.add_table(rows=1, cols=2)
    document.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode()
    start, end = xml.index("<w:tr"), xml.index("</w:tbl>")
    first = '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>'
    below = '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>'
    parts["word/document.xml"] = (xml[:start] + first + below * 5_000 + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    started = time.perf_counter()
    from ingest.readers import read_document

    [table] = [b for b in read_document(path).blocks if hasattr(b, "rows")]
    assert time.perf_counter() - started < 5
    assert table.rows[0] == ["1", ""] and table.rows[1:] == [[None, ""]] * 5_000


def test_spaces_in_pdf_text_are_tidied_in_linear_time():
    started = time.perf_counter()
    assert tidy("政 府 a" + " " * MB + "b 信息") == "政府a" + " " * MB + "b信息"
    assert time.perf_counter() - started < 1
