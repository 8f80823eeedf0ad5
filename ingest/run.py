"""Ingesting many files: each parsed on its own (in parallel), stored one at a time."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from config import Limits
from ingest.errors import RefusedFile
from ingest.limits import current_limits
from ingest.model import ParsedReport
from ingest.parse import parse_report
from ingest.workers import ParserPool, WorkerFailure
from ingest.database import open_db
from ingest.store import save_report

log = logging.getLogger(__name__)

# In a folder, files with these endings are taken (and files with none); a file named on
# the command line is always tried, its type told by its content.
REPORT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".htm", ".html", ".shtml", ".xhtml", ".pdf", ".docx", ""}


@dataclass
class FileOutcome:
    path: str
    status: str  # "ingested", "replaced" or "refused"
    report_id: str | None = None
    body: str | None = None
    year: int | None = None
    warnings: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    reason: str | None = None

    def line(self) -> str:
        """One line for a person: what happened to this file."""
        if self.status == "refused":
            return f"refused  {self.reason}"
        text = f"{self.status:<8} {self.path}: {self.body} {self.year} (id {self.report_id})"
        if self.warnings:
            text += f", {len(self.warnings)} warning{'s' if len(self.warnings) > 1 else ''}"
        if self.findings:
            text += f", {len(self.findings)} finding{'s' if len(self.findings) > 1 else ''}"
        return text


@dataclass
class IngestSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def warning_count(self) -> int:
        return sum(len(o.warnings) for o in self.outcomes)

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    def line(self) -> str:
        return (
            f"{self.count('ingested')} ingested, {self.count('replaced')} replaced, "
            f"{self.count('refused')} refused, {self.warning_count} warnings"
        )


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """The files to ingest, folders expanded in name order; missing paths refused.

    A path that is there but no regular file (a FIFO, a socket, a device) is passed on, to be
    refused by its stat without being opened (opening a FIFO blocks).
    """
    files: list[Path] = []
    missing: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in REPORT_SUFFIXES
            )
        elif path.exists():
            files.append(path)
        else:
            missing.append(FileOutcome(str(path), "refused", reason=f"{path}: no such file or folder"))
    return files, missing


def _parse(path: Path, limits: Limits) -> ParsedReport | FileOutcome:
    """Parse one file; a refusal (or a parser failure) comes back as an outcome, never raised.

    Runs in a worker process; MemoryError is left to the worker, which refuses the file
    with the memory limit's name and makes way for a fresh process.
    """
    try:
        return parse_report(path, limits=limits)
    except RefusedFile as error:
        return FileOutcome(str(path), "refused", reason=str(error))
    except OSError as error:
        return FileOutcome(str(path), "refused", reason=f"{path}: cannot be read ({error.strerror or error})")
    except MemoryError:
        raise
    except Exception as error:  # a bug in a parser must not stop the other files
        log.exception("parsing %s failed", path)
        return FileOutcome(str(path), "refused", reason=f"{path}: could not be parsed ({type(error).__name__}: {error})")


def process_context() -> multiprocessing.context.BaseContext:
    """fork is quickest, but forking a process that runs other threads (the Telegram bot's
    event loop) can copy a held lock; such a process starts its workers from a clean server."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


def _parsed(files: list[Path], workers: int, limits: Limits) -> Iterator[tuple[Path, ParsedReport | FileOutcome]]:
    """Each file parsed in a worker process, in order; never in this process (it may be the bot's)."""
    with ParserPool(_parse, limits, min(workers, len(files)), process_context()) as pool:
        for path, result in pool.map(files):
            if isinstance(result, WorkerFailure):
                result = FileOutcome(str(path), "refused", reason=f"{path}: {result.reason}")
            yield path, result


def ingest_paths(
    paths: Iterable[Path],
    data_dir: Path,
    *,
    workers: int = 0,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    limits: Limits | None = None,
) -> IngestSummary:
    """Ingest files and folders into the data dir; what was stored before stays if a file fails.

    `limits` bound each file's parsing (default: the settings' limits).
    """
    files, missing = find_files(paths)
    summary = IngestSummary(list(missing))
    for outcome in missing:
        if on_file:
            on_file(outcome)
    if on_start:
        on_start(len(files))
    if not files:
        return summary
    workers = workers or os.cpu_count() or 1
    db = open_db(data_dir)
    try:
        for path, parsed in _parsed(files, workers, limits or current_limits()):
            if isinstance(parsed, FileOutcome):
                outcome = parsed
            else:
                stored = save_report(db, parsed)
                outcome = FileOutcome(
                    str(path),
                    "replaced" if stored.replaced else "ingested",
                    report_id=stored.id,
                    body=stored.body,
                    year=stored.year,
                    warnings=[w.message for w in parsed.warnings],
                    findings=[f.message for f in parsed.findings],
                )
            summary.outcomes.append(outcome)
            if on_file:
                on_file(outcome)
    finally:
        db.close()
    return summary
