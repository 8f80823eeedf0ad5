"""The SQLite file: re-ingest replaces, twice is the same as once, a killed ingest loses nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from ingest.run import ingest_paths
from ingest.database import MIGRATIONS, open_db
from tests.conftest import ROOT, SAMPLE

CONTENT = ("bodies", "body_names", "reports", "sections", "passages", "figures", "warnings")


def snapshot(data_dir: Path) -> dict[str, list[tuple]]:
    db = open_db(data_dir)
    try:
        return {t: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {t}").fetchall()) for t in CONTENT}
    finally:
        db.close()


def edited_sample(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text("utf-8")
    assert old in text
    path = tmp_path / "edited" / SAMPLE.name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_ingesting_twice_leaves_identical_contents(data_dir):
    ingest_paths([SAMPLE], data_dir)
    first = snapshot(data_dir)
    summary = ingest_paths([SAMPLE], data_dir)
    assert [o.status for o in summary.outcomes] == ["unchanged"]  # the same reading: nothing rewritten
    assert snapshot(data_dir) == first
    assert len(first["reports"]) == 1 and len(first["figures"]) == 198


def test_reingest_replaces_the_same_body_and_year(data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    # A corrected copy of the report: 行政许可 处理决定数量 2982 → 2983.
    ingest_paths([edited_sample(tmp_path, "\n2982\n", "\n2983\n")], data_dir)
    db = open_db(data_dir)
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    values = db.execute(
        "SELECT value FROM figures WHERE row_key = 'licensing' AND column_key = 'decisions'"
    ).fetchall()
    assert values == [(2983,)]


def test_schema_is_migrated_once(data_dir):
    open_db(data_dir).close()
    db = open_db(data_dir)
    assert [r[0] for r in db.execute("SELECT number FROM migrations")] == list(range(1, len(MIGRATIONS) + 1))


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ingest.parse import parse_report
    from ingest.database import open_db
    from ingest.store import save_report

    class StallingFigures(list):
        # Stalls inside the transaction, after some rows are written, until killed.
        def __iter__(self):
            for index, figure in enumerate(list.__iter__(self)):
                if index == 100:
                    print("midway", flush=True)
                    time.sleep(120)
                yield figure

    report = parse_report(Path(sys.argv[1]))
    report.figures = StallingFigures(report.figures)
    save_report(open_db(Path(sys.argv[2])), report)
    """
)


def test_an_ingest_killed_midway_leaves_the_previous_state(data_dir, tmp_path):
    ingest_paths([SAMPLE], data_dir)
    before = snapshot(data_dir)
    new_version = edited_sample(tmp_path, "\n2982\n", "\n2983\n")
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(new_version), str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "midway"
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert snapshot(data_dir) == before


def test_a_body_keeps_one_identity_whichever_name_comes_first(data_dir):
    from ingest.store import _resolve_body

    for names in (["淮安市人民政府", "江苏省淮安市人民政府"], ["江苏省淮安市人民政府", "淮安市人民政府"]):
        db = open_db(data_dir / "-".join(names))
        ids = {_resolve_body(db, name)[0] for name in names}
        assert len(ids) == 1
        assert db.execute("SELECT name FROM bodies").fetchall() == [("江苏省淮安市人民政府",)]
        assert _resolve_body(db, "淮安市洪泽区人民政府")[0] not in ids
