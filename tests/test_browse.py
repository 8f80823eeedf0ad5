"""Browse: Datasette serves the figures as JSON with canned queries, and refuses every write."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml
from click.testing import CliRunner

from bot.browse import DATABASE_NAME, metadata_path
from bot.cli import cli
from ingest.run import ingest_paths
from ingest.database import open_db
from tests.conftest import ROOT, SAMPLE

CANNED = {"figure_over_years": {"body", "row", "column"}, "ranking": {"year", "row", "column"}, "report_findings": {"body"}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(base: str, path: str, **params: str) -> tuple[int, object]:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def post(base: str, path: str, body: dict) -> int:
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_browse_serves_figures_and_canned_queries_and_refuses_writes(data_dir, tmp_path):
    # A connection held open, as the running bot holds one: the ingest stays in the write-ahead log.
    bot = open_db(data_dir)
    ingest_paths([SAMPLE], data_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "browse.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "browse", "--port", str(port), "--data", str(data_dir)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "browse.log").read_text()
            try:
                if get(base, "/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Datasette did not start in 60 s"
            time.sleep(0.2)
        database = data_dir / f"{DATABASE_NAME}.db"
        before = sha256(database)

        status, figures = get(base, f"/{DATABASE_NAME}/figures.json", _shape="array", _size="max")
        assert status == 200 and len(figures) == 198
        [licensing] = [f for f in figures if f["row_key"] == "licensing" and f["column_key"] == "decisions"]
        assert (licensing["value"], licensing["unit"], licensing["raw"]) == (2982, "件", "2982")

        status, rows = get(
            base, f"/{DATABASE_NAME}/figure_over_years.json", _shape="array",
            body="城中区", row="行政查询事项", column="法律服务机构",
        )
        assert status == 200
        assert [(r["body"], r["year"], r["value"], r["raw"]) for r in rows] == [("柳州市城中区人民政府", 2020, None, "")]
        status, rows = get(
            base, f"/{DATABASE_NAME}/ranking.json", _shape="array", year="2020", row="本年新收", column="总计"
        )
        assert status == 200 and [(r["rank"], r["body"], r["value"]) for r in rows] == [(1, "柳州市城中区人民政府", 31)]
        assert get(base, f"/{DATABASE_NAME}/report_findings.json", _shape="array", body="")[:2] == (200, [])

        status, refused = get(base, f"/{DATABASE_NAME}.json", sql="DELETE FROM figures")
        assert status == 400 and "SELECT" in refused["error"]
        status, refused = get(base, f"/{DATABASE_NAME}.json", sql="INSERT INTO findings VALUES ('1-2020', 0, 'sum', 'x', '{}')")
        assert status == 400
        assert post(base, f"/{DATABASE_NAME}/figures/-/insert", {"row": {"report_id": "1-2020"}}) in (403, 404, 405)
        assert get(base, f"/{DATABASE_NAME}/figures.json", _shape="array", _size="max")[1] == figures
        assert sha256(database) == before

        # A corrected report ingested while browsing is served at once, not a stale reading.
        corrected = tmp_path / "corrected.txt"
        corrected.write_text(SAMPLE.read_text("utf-8").replace("\n2982\n", "\n2983\n", 1), "utf-8")
        ingest_paths([corrected], data_dir, replace=True)
        status, figures = get(base, f"/{DATABASE_NAME}/figures.json", _shape="array", _size="max")
        [licensing] = [f for f in figures if f["row_key"] == "licensing" and f["column_key"] == "decisions"]
        assert (status, licensing["value"]) == (200, 2983)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        bot.close()
    assert server.returncode is not None
    assert "Serving" in (tmp_path / "browse.log").read_text()


def test_metadata_describes_every_table_and_column_in_chinese_and_english(data_dir):
    ingest_paths([SAMPLE], data_dir)
    metadata = yaml.safe_load(metadata_path().read_text("utf-8"))
    described = metadata["databases"][DATABASE_NAME]["tables"]
    db = open_db(data_dir)
    try:
        schema = {name: [c.name for c in db[name].columns] for name in db.table_names() + db.view_names()}
    finally:
        db.close()
    assert "findings" in schema
    for name, columns in schema.items():
        if described.get(name, {}).get("hidden"):
            continue
        assert bilingual(described[name]["description"]), name
        for column in columns:
            assert bilingual(described[name]["columns"][column]), f"{name}.{column}"
    assert "件" in described["figures"]["columns"]["value"] and "万元" in described["figures"]["columns"]["value"]


def bilingual(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None and re.search(r"[A-Za-z]{3}", text) is not None


def test_canned_queries_ask_for_their_parameters():
    queries = yaml.safe_load(metadata_path().read_text("utf-8"))["databases"][DATABASE_NAME]["queries"]
    assert {name: set(re.findall(r":(\w+)", q["sql"])) for name, q in queries.items()} == CANNED
    assert all(bilingual(q["title"]) for q in queries.values())


def test_without_datasette_browse_says_how_to_install_it(data_dir, monkeypatch):
    ingest_paths([SAMPLE], data_dir)
    monkeypatch.setattr("bot.browse.datasette_installed", lambda: False)
    result = CliRunner().invoke(cli, ["browse"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "pip install 'reportbot[browse]'" in result.output


def test_browse_with_nothing_held_refuses_in_one_line(data_dir):
    result = CliRunner().invoke(cli, ["browse"])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "ingest" in result.output
    assert not data_dir.exists()


def test_reingest_deletes_the_reports_findings(data_dir):
    ingest_paths([SAMPLE], data_dir)
    db = open_db(data_dir)
    db["findings"].insert({"report_id": "1-2020", "ordinal": 0, "kind": "sum", "message": "x", "detail": "{}"})
    db.close()
    corrected = data_dir.parent / "corrected.txt"  # another reading of the same report replaces it
    corrected.write_text(SAMPLE.read_text("utf-8").replace("\n2982\n", "\n2983\n", 1), "utf-8")
    ingest_paths([corrected], data_dir)
    db = open_db(data_dir)
    try:
        assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    finally:
        db.close()
