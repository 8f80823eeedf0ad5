"""One writer at a time on a data dir: ingests, restores and index repairs take turns; readers never wait."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

LOCK_NAME = "writer.lock"


@contextmanager
def writer_lock(data_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the data dir's writer lock; if another process holds it, say so (`on_wait`) and wait.

    An advisory lock on a file (flock): the kernel lets it go when its holder dies, even by
    kill -9, so a crashed ingest never blocks the next one.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the descriptor lets the lock go


def try_writer_lock(data_dir: Path) -> int | None:
    """The lock's descriptor if it was free (close it to let go), or None when a writer holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    return handle
