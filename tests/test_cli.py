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
    assert (report["format"], report["passage_count"], report["figure_count"]) == ("2019", 27, 198)
    assert report["warnings"] == []


def test_reports_on_an_empty_data_dir_says_so(data_dir):
    result = CliRunner().invoke(cli, ["reports"])
    assert result.exit_code == 0 and "No reports" in result.output
