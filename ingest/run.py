"""Ingesting many files: each parsed on its own (in parallel), stored one at a time."""

from __future__ import annotations

import errno
import hashlib
import logging
import multiprocessing
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from config import Limits
from ingest.errors import NothingToRestore, OverLimit, RefusedFile, WorseReading
from ingest.limits import current_limits
from ingest.model import ParsedReport
from ingest.parse import parse_report
from ingest.workers import ParserPool, WorkerFailure
from ingest.database import open_db
from ingest.read import versions
from ingest.sources import keep_source, source_path
from ingest.store import save_report

log = logging.getLogger(__name__)

# In a folder, files with these endings are taken (and files with none); a file named on
# the command line is always tried, its type told by its content.
REPORT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".htm", ".html", ".shtml", ".xhtml", ".pdf", ".docx", ""}


@dataclass
class FileOutcome:
    path: str
    status: str  # "ingested", "replaced", "unchanged", "restored" or "refused"
    report_id: str | None = None
    body: str | None = None
    year: int | None = None
    warnings: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    reason: str | None = None
    # Which refusal, for front ends to word: a RefusedFile's kind, or one of missing,
    # unreadable, parser_failure, disk_failure.
    refusal: str | None = None
    stops_the_run: bool = False  # the disk failed: no later file can be stored either
    worse_reading: bool = False  # refused as a worse reading of a report held: `replace` would store it

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
    stopped: str | None = None  # why the run stopped before its last file (the disk is full)
    not_tried: list[str] = field(default_factory=list)  # the files it did not get to

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def warning_count(self) -> int:
        return sum(len(o.warnings) for o in self.outcomes)

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def stored(self) -> bool:
        """Whether anything new was stored (and the index must follow)."""
        return any(o.status in ("ingested", "replaced", "restored") for o in self.outcomes)

    def line(self) -> str:
        text = (
            f"{self.count('ingested')} ingested, {self.count('replaced')} replaced, "
            f"{self.count('refused')} refused, {self.warning_count} warnings"
        )
        if self.count("unchanged"):
            text += f", {self.count('unchanged')} unchanged (the same reading was held)"
        if self.stopped:
            text += f"; stopped: {self.stopped}; not tried: {', '.join(self.not_tried) or 'none'}"
        return text


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
            missing.append(
                FileOutcome(str(path), "refused", reason=f"{path}: no such file or folder", refusal="missing")
            )
    return files, missing


def _parse(path: Path, limits: Limits) -> ParsedReport | FileOutcome:
    """Parse one file; a refusal (or a parser failure) comes back as an outcome, never raised.

    Runs in a worker process; MemoryError is left to the worker, which refuses the file
    with the memory limit's name and makes way for a fresh process.
    """
    try:
        return parse_report(path, limits=limits)
    except RefusedFile as error:
        return FileOutcome(str(path), "refused", reason=str(error), refusal=error.kind)
    except OSError as error:
        reason = f"{path}: cannot be read ({error.strerror or error})"
        return FileOutcome(str(path), "refused", reason=reason, refusal="unreadable")
    except MemoryError:
        raise
    except Exception as error:  # a bug in a parser must not stop the other files
        log.exception("parsing %s failed", path)
        reason = f"{path}: could not be parsed ({type(error).__name__}: {error})"
        return FileOutcome(str(path), "refused", reason=reason, refusal="parser_failure")


def process_context() -> multiprocessing.context.BaseContext:
    """fork is quickest, but forking a process that runs other threads (the Telegram bot's
    event loop) can copy a held lock; such a process starts its workers from a clean server."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


def parsed_in_workers(
    files: list[Path], workers: int, limits: Limits | None = None
) -> Iterator[tuple[Path, ParsedReport | FileOutcome]]:
    """Each file parsed in a worker process, in order; never in this process (it may be the bot's)."""
    with ParserPool(_parse, limits or current_limits(), min(workers, len(files)), process_context()) as pool:
        for path, result in pool.map(files):
            if isinstance(result, WorkerFailure):
                # A worker stopped for its memory or time cap: limits, as a file over a limit.
                result = FileOutcome(str(path), "refused", reason=f"{path}: {result.reason}", refusal=OverLimit.kind)
            yield path, result


def ingest_paths(
    paths: Iterable[Path],
    data_dir: Path,
    *,
    workers: int = 0,
    replace: bool = False,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    limits: Limits | None = None,
) -> IngestSummary:
    """Ingest files and folders into the data dir; what was stored before stays if a file fails.

    A held report is never replaced by a worse reading of itself unless `replace`. When the
    disk fills, the file being stored is left out whole and the run stops, listing what it
    did not try. `limits` bound each file's parsing (default: the settings' limits).
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
        for position, (path, parsed) in enumerate(parsed_in_workers(files, workers, limits)):
            outcome = parsed if isinstance(parsed, FileOutcome) else _store(db, data_dir, path, parsed, replace)
            summary.outcomes.append(outcome)
            if on_file:
                on_file(outcome)
            if outcome.stops_the_run:
                summary.stopped = outcome.reason
                summary.not_tried = [str(p) for p in files[position + 1 :]]
                break
    finally:
        db.close()
    return summary


def _store(db, data_dir: Path, path: Path, parsed: ParsedReport, replace: bool, restoring: int | None = None) -> FileOutcome:
    """Keep the file and store its reading; a refusal or a full disk comes back as an outcome."""
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != parsed.sha256:
            raise RefusedFile(path, "the file changed while it was being read; try again")
        keep_source(data_dir, data, parsed.sha256)
        stored = save_report(db, parsed, replace=replace, restoring=restoring)
    except RefusedFile as error:
        return FileOutcome(
            str(path),
            "refused",
            reason=f"{path}: {error.reason}",
            refusal=error.kind,
            worse_reading=isinstance(error, WorseReading),
        )
    except (sqlite3.OperationalError, OSError) as error:
        if not _is_disk_failure(error):
            raise
        return FileOutcome(
            str(path),
            "refused",
            reason=f"{path}: could not be written to the disk ({error}: is it full?); nothing of it was stored",
            refusal="disk_failure",
            stops_the_run=True,
        )
    return FileOutcome(
        str(path),
        stored.status,
        report_id=stored.id,
        body=stored.body,
        year=stored.year,
        warnings=[w.message for w in parsed.warnings] if stored.status != "unchanged" else [],
        findings=[f.message for f in parsed.findings] if stored.status != "unchanged" else [],
    )


def _is_disk_failure(error: BaseException) -> bool:
    """A full disk, a quota, a file-size limit or an I/O error: the disk, not the report."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
    message = str(error).lower()
    return "full" in message or "disk i/o" in message


def restore_report(data_dir: Path, report_id: str) -> FileOutcome:
    """Bring back the reading a report had before its current one (read again from the file kept)."""
    db = open_db(data_dir)
    try:
        history = versions(db, report_id)
        current = next((v for v in history if v["state"] == "current"), None)
        if current is None:
            raise NothingToRestore(f"no report {report_id} is held (see `reportbot reports`)")
        earlier = [v for v in history if v["state"] == "replaced" and v["version"] < current["version"]]
        if not earlier:
            raise NothingToRestore(f"{report_id} has no earlier reading to bring back")
        previous = earlier[-1]
        path = source_path(data_dir, previous["sha256"])
        if not path.exists():
            raise NothingToRestore(f"the file of {report_id}'s earlier reading ({previous['source_file']}) was not kept")
        ((_, parsed),) = parsed_in_workers([path], 1)
        if isinstance(parsed, FileOutcome):
            return parsed
        parsed.source_file = previous["source_file"]
        return _store(db, data_dir, path, parsed, replace=True, restoring=previous["version"])
    finally:
        db.close()
