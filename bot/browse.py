"""The database in Datasette, read-only, with what each table and column means and canned queries."""

from __future__ import annotations

import importlib.util
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Callable, NoReturn

from ingest.database import DB_NAME, checkpoint, database_path, open_db

DEFAULT_PORT = 8001
HOST = "127.0.0.1"  # this machine only: the figures are public, the server is not meant to be
METADATA = "datasette.yaml"
DATABASE_NAME = Path(DB_NAME).stem  # Datasette names a database after its file: /reportbot


class BrowseError(Exception):
    """Browsing cannot start, for a reason a person reads."""


class DatasetteMissing(BrowseError):
    """Datasette, an optional extra, is not installed."""


class NothingHeld(BrowseError):
    """The data dir holds no database yet."""


def datasette_installed() -> bool:
    """Whether the optional [browse] extra is installed."""
    return importlib.util.find_spec("datasette") is not None


def metadata_path() -> Path:
    """The metadata file: titles, descriptions and canned queries."""
    return Path(str(resources.files("config").joinpath(METADATA)))


def browse_command(data_dir: Path, port: int = DEFAULT_PORT) -> list[str]:
    """The Datasette command line that serves the data dir's database, read-only and live."""
    return [
        sys.executable, "-m", "datasette", "serve",
        # Not --immutable: an immutable file that an ingest then changes may give SQLite wrong
        # rows. Datasette opens a mutable file with mode=ro, so no request can write to it, and
        # each ingest is seen as it lands.
        str(database_path(data_dir)),
        "--metadata", str(metadata_path()),
        "--host", HOST,
        "--port", str(port),
        "--setting", "sql_time_limit_ms", "5000",
    ]


def prepare(data_dir: Path) -> Path:
    """Bring the database to the latest schema and into its one file; its path."""
    if not database_path(data_dir).exists():
        raise NothingHeld("no reports are held yet: run `reportbot ingest PATH` first")
    db = open_db(data_dir)  # migrates, so the findings table exists before Datasette looks
    try:
        # The write-ahead log folded into the main file, so that a read-only reader starts from it.
        checkpoint(db)
    finally:
        db.close()
    return database_path(data_dir)


def serve(data_dir: Path, port: int = DEFAULT_PORT, on_start: Callable[[str], None] | None = None) -> NoReturn:
    """Replace this process with Datasette over the data dir's database; `on_start` gets its URL."""
    if not datasette_installed():
        raise DatasetteMissing(
            "Datasette is not installed: pip install 'reportbot[browse]' (make install does it)"
        )
    prepare(data_dir)
    command = browse_command(data_dir, port)
    if on_start is not None:
        on_start(f"http://{HOST}:{port}/{DATABASE_NAME}")
    sys.stdout.flush()
    sys.stderr.flush()
    # exec, not a child: Ctrl-C and a stop signal reach the server itself, and nothing is left behind.
    os.execv(command[0], command)
