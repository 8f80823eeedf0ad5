"""Parsing in worker processes, each under a memory cap and a time cap per file.

A parser never runs in the caller's process: the Telegram bot calls ingest from a thread,
and a hostile file must neither stall its event loop nor take its memory. A few workers
live for the whole run; each parses one file at a time with one more queued, and says when
it starts a file so the time cap counts from then. A worker over the time cap is killed and
replaced; one that dies (the kernel or the allocator gives up under the cap) is replaced;
the file it was on is refused with the limit's name, and the run goes on.
"""

from __future__ import annotations

import importlib
import logging
import os
import resource
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing import connection as mpc
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Callable, Iterator

from config import Limits

log = logging.getLogger(__name__)

_QUEUED = 2  # files sent to a worker at once: one parsing, one waiting, so none sits idle
_PARENT_CHECK_S = 5.0  # how often an idle worker checks that its parent is still alive
# A file that fails after its worker grew by this share of the cap is put down to memory.
_NEAR_CAP = 0.5

Task = Callable[[Path, Limits], Any]


@dataclass(frozen=True)
class WorkerFailure:
    """A file a worker could not finish: over the time cap, or dead under the memory cap."""

    reason: str


def timeout_reason(limits: Limits) -> str:
    return f"took longer than {limits.worker_timeout_s:g} s to parse (worker_timeout_s)"


def memory_reason(limits: Limits) -> str:
    return f"needed more than {limits.worker_memory_mb} MB of memory to parse (worker_memory_mb)"


# What a worker needs, imported before it is capped (or once, in the process it forks from).
_PRELOADED = (
    "docx", "pdfplumber", "ingest.parse", "ingest.readers.docx", "ingest.readers.html",
    "ingest.readers.pdf", "ingest.readers.text", "ingest.run",
)


def preload() -> None:
    """Import the parsers and load the format before a worker is capped or forked, so each starts ready."""
    from ingest.nationalformat import national_format
    from ingest.places import gazetteer

    for module in _PRELOADED:
        importlib.import_module(module)
    national_format()
    gazetteer()


def address_space(key: str = "VmSize") -> int | None:
    """This process's address space in bytes: VmSize now, VmPeak the most so far; None off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def cap_memory(megabytes: int) -> int | None:
    """Limit this process's address space to what it uses now plus `megabytes`; return what it used."""
    used = address_space()
    if used is None:  # not Linux: the time cap still holds
        log.warning("cannot read /proc/self/status: parsing workers run without a memory cap")
        return None
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return used


def _serve(channel: mpc.Connection, task: Task, limits: Limits, parent: int) -> None:
    """A worker's life: take (index, path), say when it starts, send back the task's result."""
    from ingest.model import ParsedReport

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    preload()
    start = cap_memory(limits.worker_memory_mb)
    while True:
        while not channel.poll(_PARENT_CHECK_S):
            if not _alive(parent):
                return  # orphaned: nobody will read a result
        message = channel.recv()
        if message is None:
            return
        index, path = message
        channel.send(("start", index, time.monotonic()))
        try:
            result = task(path, limits)
            grown = _grown(start, limits)
            if grown and not isinstance(result, ParsedReport):
                # A C library that cannot allocate (lxml, zlib) raises an error of its own.
                result = WorkerFailure(memory_reason(limits))
            channel.send(("done", index, result))
        except MemoryError:
            # The task or pickling its result ran out: refuse the file, and leave so that a
            # fresh worker, not this heap, takes the next one.
            result = None  # what may hold the memory
            channel.send(("done", index, WorkerFailure(memory_reason(limits))))
            return
        if grown:
            return  # VmPeak only grows: a fresh worker measures the next file


def _grown(start: int | None, limits: Limits) -> bool:
    """Whether this worker's address space grew by more than half its cap at some point."""
    peak = address_space("VmPeak")
    return start is not None and peak is not None and peak - start > limits.worker_memory_mb * 1024 * 1024 * _NEAR_CAP


def _alive(pid: int) -> bool:
    # Not os.getppid(): a worker started by the fork server is the server's child.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


@dataclass
class _Worker:
    process: Any
    channel: mpc.Connection
    queue: deque[tuple[int, Path]] = field(default_factory=deque)  # sent, not yet finished
    started: float | None = None  # when the head of the queue started, by the monotonic clock


class ParserPool:
    """Worker processes that run `task(path, limits)` for each file, results in file order."""

    def __init__(self, task: Task, limits: Limits, size: int, context: BaseContext):
        self.task, self.limits, self.size, self.context = task, limits, max(1, size), context
        self.workers: list[_Worker] = []

    def __enter__(self) -> "ParserPool":
        if self.context.get_start_method() == "forkserver":
            # Taken only if the server is not running yet; else each worker imports for itself.
            self.context.set_forkserver_preload(list(_PRELOADED))
        else:
            preload()  # forked workers inherit the imports
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, paths: list[Path]) -> Iterator[tuple[Path, Any]]:
        """Each path with the task's result or a WorkerFailure, in the order given, as they are ready."""
        waiting = deque(enumerate(paths))
        finished: dict[int, Any] = {}
        for next_index, path in enumerate(paths):
            while next_index not in finished:
                self._dispatch(waiting)
                self._collect(finished, waiting)
            self._dispatch(waiting)  # keep the workers busy while the caller stores the result
            yield path, finished.pop(next_index)

    def close(self) -> None:
        """Stop the workers: asked to leave when idle, killed when not."""
        for worker in self.workers:
            if worker.queue or not worker.process.is_alive():
                worker.process.kill()
            else:
                try:
                    worker.channel.send(None)
                except OSError:
                    worker.process.kill()
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.channel.close()
        self.workers = []

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(theirs, self.task, self.limits, os.getpid()), name="reportbot-parser", daemon=True
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _dispatch(self, waiting: deque[tuple[int, Path]]) -> None:
        """Start workers as there are files for them, and keep each one's queue full."""
        while waiting and len(self.workers) < self.size:
            self.workers.append(self._start())
        for worker in self.workers:
            while waiting and len(worker.queue) < _QUEUED:
                item = waiting.popleft()
                try:
                    worker.channel.send(item)
                except OSError:  # it is leaving (after a MemoryError): _collect retires it
                    waiting.appendleft(item)
                    break
                worker.queue.append(item)

    def _collect(self, finished: dict[int, Any], waiting: deque[tuple[int, Path]]) -> None:
        """Wait for a message, a worker's end or a deadline; take results, retire dead and overdue workers."""
        if not waiting and not any(w.queue for w in self.workers):
            raise RuntimeError("waiting for a parse result, but no worker has a file")  # never wait for ever
        deadlines = [w.started + self.limits.worker_timeout_s for w in self.workers if w.started is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        watched = [w.channel for w in self.workers] + [w.process.sentinel for w in self.workers]
        ready = set(mpc.wait(watched, timeout))
        for worker in list(self.workers):
            if (worker.channel in ready or worker.process.sentinel in ready) and not self._read(worker, finished):
                self._retire(worker, finished, waiting, memory_reason(self.limits))
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.started is not None and now >= worker.started + self.limits.worker_timeout_s:
                self._read(worker, finished)  # it may have finished just now
                if worker.started is not None:
                    self._retire(worker, finished, waiting, timeout_reason(self.limits))

    def _read(self, worker: _Worker, finished: dict[int, Any]) -> bool:
        """Take every message waiting from a worker; False when it has ended."""
        try:
            while worker.channel.poll():
                kind, index, value = worker.channel.recv()
                if kind == "start":
                    worker.started = value
                else:
                    finished[index] = value
                    worker.queue.popleft()
                    worker.started = None
        except (EOFError, OSError):
            return False
        return worker.process.is_alive()

    def _retire(self, worker: _Worker, finished: dict[int, Any], waiting: deque[tuple[int, Path]], reason: str) -> None:
        """Kill a worker, refuse the file it was on, and give its queued files back (_dispatch starts another)."""
        worker.process.kill()
        worker.process.join()
        worker.channel.close()
        self.workers.remove(worker)
        # A worker that left on its own (exit code 0, after a MemoryError) was on no file.
        if worker.queue and (worker.started is not None or worker.process.exitcode != 0):
            index, path = worker.queue.popleft()
            log.warning("parsing %s: %s (worker exit code %s)", path, reason, worker.process.exitcode)
            finished[index] = WorkerFailure(reason)
        waiting.extendleft(reversed(worker.queue))
