"""Blocking work in a child process: the event loop awaits it without blocking, and can stop it.

The bot runs threads, so a child never forks from it: it forks from a fork server that has
imported the ingest modules once. Cancelling the await stops the child and the workers it
started (its own process group): SIGTERM, then SIGKILL after a grace period. An error meant for
the user (ReportbotError: NothingToRestore…) comes back as itself, for the caller to catch.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import signal
import traceback
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, Callable, TypeVar

from ingest.errors import ReportbotError

T = TypeVar("T")

GRACE = 1.0  # seconds a child has to exit after SIGTERM before SIGKILL
PRELOAD = ["index.passages"]  # what a child needs, imported once by the fork server
_POLL = 0.02  # seconds between checks that a stopped child has exited

_context: BaseContext | None = None


class ChildFailed(Exception):
    """The child raised an unexpected error (its traceback is the message), or died without an answer."""


def _fork_server() -> BaseContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


async def run_in_child(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` in a child process; cancelling the await stops the child at once.

    A ReportbotError the function raises is raised here; any other error, as ChildFailed."""
    context = _fork_server()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_serve, args=(sending, function, args, kwargs), name=f"reportbot-{function.__name__}"
    )
    try:
        # The first start waits for the fork server to import PRELOAD: not on the event loop.
        await _finished(asyncio.to_thread(child.start))
        sending.close()
        done, value = await _receive(receiving, child)
    except BaseException:
        await stop(child)
        raise
    finally:
        sending.close()
        receiving.close()
    await _reap(child)
    if isinstance(value, ReportbotError):
        raise value
    if not done:
        raise ChildFailed(value)
    return value


async def stop(child: BaseProcess, grace: float = GRACE) -> None:
    """Stop the child and its process group: SIGTERM, then SIGKILL if it is still there after `grace`."""
    if child.pid is None:
        return
    for number in (signal.SIGTERM, signal.SIGKILL):
        _signal(child.pid, number)
        if await _exited(child, grace):
            break
    _signal(child.pid, signal.SIGKILL)  # workers it started may outlive it


def _signal(pid: int, number: int) -> None:
    """Signal the child's process group; before the child made its group, the child alone."""
    try:
        os.killpg(pid, number)
    except ProcessLookupError:
        try:
            os.kill(pid, number)
        except ProcessLookupError:
            pass


async def _exited(child: BaseProcess, within: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while child.is_alive():  # is_alive() reaps an exited child without blocking
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(_POLL)
    return True


async def _reap(child: BaseProcess) -> None:
    """Wait for a child that has answered to exit; stop it if it lingers."""
    if not await _exited(child, GRACE):
        await stop(child)


async def _finished(blocking: Any) -> None:
    """Await `blocking` to the end even when cancelled meanwhile (then re-raise the cancellation)."""
    task = asyncio.ensure_future(blocking)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait({task})
        raise


async def _receive(receiving: Connection, child: BaseProcess) -> tuple[bool, Any]:
    """The child's answer, read once the pipe is readable (an answer, or the end when it died)."""
    loop = asyncio.get_running_loop()
    readable = loop.create_future()
    loop.add_reader(receiving.fileno(), lambda: readable.done() or readable.set_result(None))
    try:
        await readable
    finally:
        loop.remove_reader(receiving.fileno())
    try:
        return receiving.recv()
    except (EOFError, OSError):
        await _exited(child, GRACE)
        return False, f"the child process ended without an answer (exit code {child.exitcode})"


def _serve(
    sending: Connection, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """In the child: run the function and send back (True, result), (False, a user's error) or (False, traceback)."""
    os.setpgid(0, 0)  # its own process group: stopping it stops the workers it starts too
    try:
        answer: tuple[bool, Any] = (True, function(*args, **kwargs))
    except Exception as error:
        answer = (False, _sendable(error) or "".join(traceback.format_exception(error)))
    sending.send(answer)
    sending.close()


def _sendable(error: Exception) -> ReportbotError | None:
    """The error itself when it is one for the user and survives the pipe (pickled and read back)."""
    if not isinstance(error, ReportbotError):
        return None
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # an error whose __init__ takes other arguments than its message
        return None
    return error
