"""The `reportbot` command: each subcommand calls one library function and formats it."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from bot.answer import Engine
from bot.chat import run_chat
from config import load_settings
from index.passages import ingest_and_index
from ingest.run import FileOutcome
from ingest.store import database_path, list_reports, open_db

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
def ingest(paths: tuple[Path, ...], data_dir: Path | None, workers: int | None) -> None:
    """Ingest report files or folders (TXT, HTML, PDF, DOCX); prints each with its warnings."""
    settings = load_settings(data_dir)
    progress = _Progress(sys.stderr.isatty())
    summary = ingest_and_index(
        paths,
        settings.data_dir,
        workers if workers is not None else settings.ingest_workers,
        on_start=progress.start,
        on_file=progress.file_done,
    )
    progress.finish()
    click.echo(summary.line())
    if summary.refused:
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
        if self.bar is not None:
            if outcome.status == "refused" or outcome.warnings:
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
    """List the reports held: id, body, year, format, passages, figures, warnings."""
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
            f"{len(report['warnings'])} warnings"
        )
        for warning in report["warnings"]:
            click.echo(f"         warning: {warning}")


@cli.command()
@click.argument("question")
@_data_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer (the contract in ARCHITECTURE.md).")
def ask(question: str, data_dir: Path | None, as_json: bool) -> None:
    """Answer QUESTION; with QUESTION '-', answer one question a line from stdin."""
    engine = Engine(_data_dir(data_dir))
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for text in questions:
        if question == "-" and not text.strip():
            continue
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


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def main() -> None:
    cli()
