"""One smoke test per command, and help text on every command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import SAMPLE


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert cli.commands[command].help


def test_ingest_prints_a_line_a_file_and_a_summary_when_piped(data_dir):
    result = CliRunner().invoke(cli, ["ingest", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"ingested {SAMPLE}: 柳州市城中区人民政府 2020")
    assert lines[-1] == "1 ingested, 0 replaced, 0 refused, 0 warnings"


def test_reports_json_lists_what_is_held(data_dir):
    CliRunner().invoke(cli, ["ingest", str(SAMPLE)])
    result = CliRunner().invoke(cli, ["reports", "--json"])
    [report] = json.loads(result.output)
    assert report["body"] == "柳州市城中区人民政府" and report["year"] == 2020
    # 26 passages: 今后,将采取以下措施进行改进: opens the paragraph after it, not a passage alone.
    assert (report["format"], report["passage_count"], report["figure_count"]) == ("2019", 26, 198)
    assert report["warnings"] == []


def test_reports_on_an_empty_data_dir_says_so(data_dir):
    result = CliRunner().invoke(cli, ["reports"])
    assert result.exit_code == 0 and "No reports" in result.output


def test_ingest_shows_a_progress_bar_on_a_terminal(data_dir, tmp_path):
    """On a terminal a folder of reports shows a bar, then the summary line."""
    import os
    import pty
    import subprocess
    import sys

    from reportgen import generate_corpus, render_text

    folder = tmp_path / "reports"
    folder.mkdir()
    for n, report in enumerate(generate_corpus(6, seed=1)):
        (folder / f"{n}.txt").write_text(render_text(report), "utf-8")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ingest", str(folder), "--data", str(data_dir)],
        stdout=terminal, stderr=terminal, stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "100"},
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=120) == 0
    text = output.decode("utf-8", "replace")
    assert "ingesting" in text and "100%" in text
    assert "6 ingested, 0 replaced, 0 refused, 0 warnings" in text
    assert "ingested " + str(folder) not in text  # no line a file on a terminal


def test_ask_json_answers_every_line_so_answers_pair_with_questions(data_dir):
    """A blank line gets its answer too (a prompt for a question): a script reads line n's answer on line n."""
    CliRunner().invoke(cli, ["ingest", str(SAMPLE), "--data", str(data_dir)])
    result = CliRunner().invoke(
        cli, ["ask", "-", "--json", "--data", str(data_dir)], input="城中区2020年行政处罚有多少\n\n城中区2020年收到多少申请\n"
    )
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["kind"] for a in answers] == ["figure", "none", "figure"]
    assert [a["value"] for a in answers] == [6487, None, 31]
