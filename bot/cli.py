"""The `reportbot` command: each subcommand calls one library function and formats it."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from bot.answer import Engine
from bot.browse import DEFAULT_PORT, BrowseError
from bot.browse import serve as serve_browse
from bot.chat import run_chat
from bot.export import FORMATS, ExportError, export_cells
from config import load_settings
from index.passages import ingest_and_index, restore_and_index
from ingest.check import STATUSES, Checked
from ingest.check import check as run_check
from ingest.check import summary as check_summary
from ingest.errors import NothingToRestore, RefusedFile
from ingest.run import FileOutcome
from ingest.database import database_path, open_db
from ingest.read import list_reports

_data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data dir (default: $REPORTBOT_DATA, then the configured one).",
)


def _data_dir(data_dir: Path | None) -> Path:
    return load_settings(data_dir).data_dir


@click.group()
@click.version_option(package_name="reportbot")
def cli() -> None:
    """Answers questions from 政府信息公开工作年度报告: ingest reports, then ask."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_data_option
@click.option("--workers", type=int, default=None, help="Processes parsing files in parallel (default: one per core).")
@click.option(
    "--replace",
    is_flag=True,
    help="Store a new reading even where it would lose tables, figures or passages the held one has.",
)
def ingest(paths: tuple[Path, ...], data_dir: Path | None, workers: int | None, replace: bool) -> None:
    """Ingest report files or folders (TXT, HTML, PDF, DOCX); prints each with its warnings.

    A report held is never replaced by a worse reading of itself unless --replace; every
    reading replaced is kept, and `reportbot restore` brings it back."""
    settings = load_settings(data_dir)
    progress = _Progress(sys.stderr.isatty())
    summary = ingest_and_index(
        paths,
        settings.data_dir,
        workers if workers is not None else settings.ingest_workers,
        replace=replace,
        on_wait=lambda: click.echo(f"Another ingest is running on {settings.data_dir}; waiting for it to finish…", err=True),
        on_start=progress.start,
        on_file=progress.file_done,
    )
    progress.finish()
    click.echo(summary.line())
    if summary.refused or summary.stopped:
        sys.exit(1)


@cli.command()
@click.argument("report_id")
@_data_option
def restore(report_id: str, data_dir: Path | None) -> None:
    """Bring back the reading REPORT_ID had before it was last replaced (see `reportbot reports`)."""
    directory = _data_dir(data_dir)
    try:
        summary = restore_and_index(
            directory, report_id, on_wait=lambda: click.echo("Another ingest is running; waiting for it to finish…", err=True)
        )
    except NothingToRestore as error:
        raise click.ClickException(str(error)) from None
    (outcome,) = summary.outcomes
    click.echo(outcome.line())
    if outcome.status == "refused" or summary.stopped:
        sys.exit(1)


class _Progress:
    """A progress bar on a terminal; plain lines, one a file, when output is piped."""

    def __init__(self, interactive: bool):
        self.interactive = interactive
        self.bar = None

    def start(self, total: int) -> None:
        if self.interactive and total > 1:
            self.bar = click.progressbar(length=total, label="ingesting", file=sys.stderr)
            self.bar.__enter__()

    def file_done(self, outcome: FileOutcome) -> None:
        lines = [outcome.line()] + [f"  warning: {w}" for w in outcome.warnings]
        lines += [f"  finding: {f}" for f in outcome.findings]
        if self.bar is not None:
            if outcome.status == "refused" or outcome.warnings or outcome.findings:
                # Keep problems visible above the bar.
                click.echo("\r\033[K" + "\n".join(lines), err=outcome.status == "refused")
            self.bar.update(1)
            return
        click.echo("\n".join(lines), err=outcome.status == "refused")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command()
@_data_option
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
def reports(data_dir: Path | None, as_json: bool) -> None:
    """List the reports held: id, body, year, format, passages, figures, warnings, findings."""
    directory = _data_dir(data_dir)
    if not database_path(directory).exists():
        held: list[dict] = []
    else:
        db = open_db(directory)
        try:
            held = list_reports(db)
        finally:
            db.close()
    if as_json:
        click.echo(json.dumps(held, ensure_ascii=False, indent=2))
        return
    if not held:
        click.echo(f"No reports in {directory} yet: run `reportbot ingest PATH`.")
        return
    for report in held:
        click.echo(
            f"{report['id']:<8} {report['body']} {report['year']}  format {report['format']}  "
            f"{report['passage_count']} passages, {report['figure_count']} figures, "
            f"{len(report['warnings'])} warnings, {len(report['findings'])} findings"
        )
        for warning in report["warnings"]:
            click.echo(f"         warning: {warning}")
        for finding in report["findings"]:
            click.echo(f"         finding: {finding}")


@cli.command()
@click.argument("question")
@_data_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer (the contract in ARCHITECTURE.md).")
def ask(question: str, data_dir: Path | None, as_json: bool) -> None:
    """Answer QUESTION; with QUESTION '-', answer one question a line from stdin."""
    engine = Engine(_data_dir(data_dir))
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for text in questions:
        if question == "-" and not text.strip() and not as_json:
            continue  # with --json every line gets its answer, so that answers pair with lines
        answer = engine.answer(text)
        if as_json:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            click.echo(answer.text)
        sys.stdout.flush()


@cli.command()
@_data_option
def chat(data_dir: Path | None) -> None:
    """A console chat with the same answers as the Telegram bot (Ctrl-D to leave)."""
    engine = Engine(_data_dir(data_dir))
    run_chat(engine, read=_read_line, write=click.echo)


@cli.command()
@_data_option
def serve(data_dir: Path | None) -> None:
    """Run the Telegram bot (token from TELEGRAM_BOT_TOKEN; webhook mode when configured)."""
    from bot.telegram import BotError, run_bot

    try:
        run_bot(load_settings(data_dir))
    except BotError as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@click.option("--body", default=None, help="Only bodies whose name or short name contains TEXT (e.g. 洪泽区).")
@click.option("--year", type=int, default=None, help="Only the reports of year N.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="csv (UTF-8 with BOM, for Excel) or xlsx (a sheet per table); default: from FILE's ending, else csv.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
@_data_option
def export(body: str | None, year: int | None, fmt: str | None, output: Path, data_dir: Path | None) -> None:
    """Write every stored table cell, one row a cell, to a CSV or Excel file."""
    fmt = fmt or ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
    try:
        count = export_cells(_data_dir(data_dir), output, body=body, year=year, fmt=fmt)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} cells written to {output}")


@cli.command()
@click.argument("question")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The PNG to write.")
@_data_option
def chart(question: str, output: Path, data_dir: Path | None) -> None:
    """Draw the figures a question asks for (a line over years, bars across bodies) as a PNG."""
    from bot.chart import draw_series  # matplotlib: 0.7 s of start-up that no other command needs

    answer = Engine(_data_dir(data_dir)).answer(question)
    if answer.kind != "series":
        raise click.ClickException(
            "the answer is not a series of figures; ask for a figure over years or across bodies "
            f"(e.g. 洪泽区历年新收申请). The answer was: {answer.text.splitlines()[0]}"
        )
    draw_series(answer.to_dict(), output)
    click.echo(f"{answer.text.splitlines()[0]} → {output}")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True, help="Port on 127.0.0.1.")
@_data_option
def browse(port: int, data_dir: Path | None) -> None:
    """Serve the database read-only in Datasette, with what each column means and canned queries."""
    directory = _data_dir(data_dir)

    def started(url: str) -> None:
        click.echo(f"Serving {database_path(directory)} read-only at {url} (Ctrl-C to stop; restart after an ingest)")

    try:
        serve_browse(directory, port, on_start=started)
    except BrowseError as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@click.argument("targets", nargs=-1)
@_data_option
@click.option("--json", "as_json", is_flag=True, help="The findings as one JSON list (the contract in ARCHITECTURE.md).")
def check(targets: tuple[str, ...], data_dir: Path | None, as_json: bool) -> None:
    """Check report files (nothing is stored) or reports held by id; none given: every report held.

    Prints what was understood of each (title, body, year, format, cells read per table, what was
    skipped and why) and the findings: sums that break, prose against tables, carry-over from the
    year before. Exits 1 when a file was refused."""
    try:
        checked = run_check(targets, _data_dir(data_dir))
    except RefusedFile as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        findings = [
            {"report": c.report(), "kind": f.kind, "message": f.message, "detail": f.detail}
            for c in checked
            for f in c.findings
        ]
        click.echo(json.dumps(findings, ensure_ascii=False, indent=2))
    else:
        for item in checked:
            click.echo(_checked_lines(item))
        counts = check_summary(checked)
        click.echo(f"{len(checked)} reports: " + ", ".join(f"{n} {status}" for status, n in counts.items() if n or status in STATUSES[:3]))
    if any(c.refused for c in checked):
        sys.exit(1)


def _checked_lines(item: Checked) -> str:
    if item.refused:
        return f"{item.source}: refused: {item.refused}"
    tables = ", ".join(f"table {n}: {item.cells.get(n, 0)} cells" for n in sorted({2, 3, 4} | set(item.cells)))
    lines = [
        f"{item.source}: {item.body} {item.year}, format {item.format}: {item.status}",
        f"  title: {item.title}",
        f"  {tables}",
    ]
    lines += [f"  skipped: {w}" for w in item.warnings]
    lines += [f"  finding ({f.kind}): {f.message}" for f in item.findings]
    return "\n".join(lines)


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def main() -> None:
    cli()
