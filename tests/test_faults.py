"""Faults: a worse reading, kill -9, two writers, readers during saves, another process's ingest, a full disk.

Each test runs the real `reportbot` in subprocesses where the fault needs a process of its own.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.answer import Engine
from index.passages import ingest_and_index, load_index, restore_and_index
from index.tokenize import tokenize
from ingest.database import open_db
from ingest.errors import NothingToRestore
from ingest.read import index_keys, versions
from reportgen import generate_corpus, render_html
from tests.conftest import ROOT, SAMPLE

REPORTBOT = [sys.executable, "-m", "bot"]
ENVIRONMENT = {**os.environ, "PYTHONPATH": str(ROOT)}
PENALTIES = "城中区2020年行政处罚有多少"


def reportbot(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*REPORTBOT, *args], capture_output=True, text=True, cwd=ROOT, env=ENVIRONMENT, **kwargs)


def truncated_sample(directory: Path, share: float = 0.35) -> Path:
    """The sample cut short, as a broken download leaves it: its tables are gone."""
    text = SAMPLE.read_text("utf-8")
    path = directory / "truncated.txt"
    path.write_text(text[: int(len(text) * share)], "utf-8")
    return path


def edited_sample(directory: Path, penalties: int) -> Path:
    path = directory / f"edited-{penalties}.txt"
    path.write_text(SAMPLE.read_text("utf-8").replace("\n6487\n", f"\n{penalties}\n", 1), "utf-8")
    return path


def generated(directory: Path, count: int, seed: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, report in enumerate(generate_corpus(count, seed=seed)):
        path = directory / f"{seed}-{number}.html"
        path.write_text(render_html(report), "utf-8")
        paths.append(path)
    return paths


def test_a_truncated_copy_never_replaces_the_report_held(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    result = reportbot("ingest", str(truncated_sample(tmp_path)), "--data", str(data_dir))
    assert result.returncode == 1
    refusal = next(line for line in result.stderr.splitlines() if line.startswith("refused"))
    assert "worse reading" in refusal and "table 3" in refusal and "figures" in refusal
    assert Engine(data_dir).answer(PENALTIES).value == 6487


def test_replace_forces_it_and_restore_brings_the_previous_reading_back(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    result = reportbot("ingest", "--replace", str(truncated_sample(tmp_path)), "--data", str(data_dir))
    assert result.returncode == 0 and "1 replaced" in result.stdout
    assert Engine(data_dir).answer(PENALTIES).value is None

    result = reportbot("restore", "1-2020", "--data", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout
    engine = Engine(data_dir)
    assert engine.answer(PENALTIES).value == 6487
    assert engine.answer("城中区政府信息公开工作是怎么做的").kind == "passage"
    db = open_db(data_dir)
    assert [v["state"] for v in versions(db, "1-2020")] == ["current", "withdrawn"]


def test_restore_with_nothing_earlier_says_so(data_dir):
    ingest_and_index([SAMPLE], data_dir)
    with pytest.raises(NothingToRestore, match="no earlier reading"):
        restore_and_index(data_dir, "1-2020")
    result = reportbot("restore", "7-1999", "--data", str(data_dir))
    assert result.returncode == 1 and "no report 7-1999 is held" in result.stderr


def test_a_better_reading_replaces_without_being_forced(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    summary = ingest_and_index([edited_sample(tmp_path, 6488)], data_dir)
    assert [o.status for o in summary.outcomes] == ["replaced"]
    assert Engine(data_dir).answer(PENALTIES).value == 6488


@pytest.mark.parametrize("seed", range(10))
def test_killed_at_any_moment_every_stored_report_answers_after_a_restart(seed, data_dir, tmp_path):
    files = generated(tmp_path / "reports", 12, seed=100 + seed)
    process = subprocess.Popen(
        [*REPORTBOT, "ingest", str(tmp_path / "reports"), "--data", str(data_dir), "--workers", "1"],
        cwd=ROOT, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(random.Random(seed).uniform(0.4, 2.0))
    process.kill()  # SIGKILL: no cleanup of any kind
    process.wait()

    engine = Engine(data_dir)  # a restart: the index is brought in step before the first answer
    db = open_db(data_dir)
    held = index_keys(db)
    assert engine.snapshot.index is None and not held or engine.snapshot.index.report_keys == held
    for report in engine.reports:
        answer = engine.answer(f"{report.short_name}{report.year}年收到多少政府信息公开申请", report_id=report.id)
        stored = db.execute(
            "SELECT value FROM figures WHERE report_id = ? AND table_no = 3 AND row_key = 'new' AND column_key = 'total'",
            [report.id],
        ).fetchone()
        assert answer.kind == "figure" and answer.value == stored[0]
        first = db.execute("SELECT text FROM passages WHERE report_id = ? ORDER BY ordinal LIMIT 1", [report.id]).fetchone()
        hits = engine.snapshot.index.search(tokenize(first[0]), k=5, reports={report.id})
        assert hits and hits[0].report_id == report.id, f"{report.id}'s passages are not searchable"
    assert len(files) >= len(engine.reports)


def test_two_ingests_at_once_both_complete(data_dir, tmp_path):
    first = generated(tmp_path / "first", 6, seed=1)
    second = generated(tmp_path / "second", 6, seed=2)
    processes = [
        subprocess.Popen([*REPORTBOT, "ingest", *map(str, paths), "--data", str(data_dir)],
                         cwd=ROOT, env=ENVIRONMENT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for paths in (first, second)
    ]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    assert any("waiting for it to finish" in err for _, err in results)
    engine = Engine(data_dir)
    assert len(engine.reports) == 12
    assert engine.snapshot.index.report_keys == index_keys(open_db(data_dir))


def test_loading_the_index_while_it_is_saved_never_fails(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    corrections = [edited_sample(tmp_path, 6487 + n) for n in range(1, 9)]
    failures: list[BaseException] = []
    loads = 0
    stop = threading.Event()

    def read() -> None:
        nonlocal loads
        while not stop.is_set():
            try:
                assert load_index(data_dir) is not None
                loads += 1
            except BaseException as error:  # noqa: BLE001 - any failure is the finding
                failures.append(error)
            time.sleep(0.001)

    # Another process saves the index once a correction: eight saves, each switching CURRENT.
    saves = (
        "import sys; from pathlib import Path; from index.passages import ingest_and_index\n"
        "for path in sys.argv[2:]: ingest_and_index([Path(path)], Path(sys.argv[1]))"
    )
    reader = threading.Thread(target=read)
    reader.start()
    try:
        writer = subprocess.run(
            [sys.executable, "-c", saves, str(data_dir), *map(str, corrections)],
            capture_output=True, text=True, cwd=ROOT, env=ENVIRONMENT,
        )
    finally:
        stop.set()
        reader.join()
    assert writer.returncode == 0, writer.stderr
    assert not failures, failures[:3]
    assert loads > 20


def test_a_running_engine_follows_another_process_ingest(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    engine = Engine(data_dir)
    assert engine.answer(PENALTIES).value == 6487
    result = reportbot("ingest", str(edited_sample(tmp_path, 7000)), "--data", str(data_dir))
    assert result.returncode == 0
    answer = engine.answer(PENALTIES)
    assert answer.value == 7000
    # The passage search and the figures come from the same state: the new report's passages.
    assert engine.snapshot.index.report_keys == index_keys(open_db(data_dir))


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_stops_the_run_with_one_clear_line_and_loses_nothing(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    files = generated(tmp_path / "reports", 10, seed=5)
    database = data_dir / "reportbot.db"
    result = reportbot(
        "ingest", *map(str, files), "--data", str(data_dir), "--workers", "1",
        preexec_fn=_file_size_limit(database.stat().st_size + 300_000),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    assert "stopped:" in summary and "could not be written to the disk" in summary and "not tried:" in summary
    not_tried = summary.split("not tried: ", 1)[1].split(", ")
    assert not_tried and all(name in map(str, files) for name in not_tried)
    engine = Engine(data_dir)
    assert engine.answer(PENALTIES).value == 6487  # what was held before is intact
    stored = {r.id for r in engine.reports}
    assert len(stored) == 1 + sum(1 for line in result.stderr.splitlines() + result.stdout.splitlines() if line.startswith("ingested"))


def test_old_index_versions_are_removed_once_no_reader_can_be_opening_them(data_dir, tmp_path):
    ingest_and_index([SAMPLE], data_dir)
    for penalties in (6500, 6501, 6502):
        ingest_and_index([edited_sample(tmp_path, penalties)], data_dir)
    folder = data_dir / "index"
    assert len(list(folder.glob("v-*"))) == 4  # young versions outlive the switch
    long_ago = time.time() - 3600
    for version in folder.glob("v-*"):
        os.utime(version, (long_ago, long_ago))
    ingest_and_index([edited_sample(tmp_path, 6503)], data_dir)
    assert len(list(folder.glob("v-*"))) == 3  # the current one and the two before it
