"""The limits on what parsing one file may cost, and the refusals that name them."""

from __future__ import annotations

from pathlib import Path

from config import Limits, load_settings
from ingest.errors import OverLimit

__all__ = ["Limits", "check_table_cells", "current_limits", "megabytes", "over_limit"]


def current_limits() -> Limits:
    """The limits of defaults.toml and the environment."""
    return load_settings().limits


def over_limit(path: str | Path, found: str, limit: str, name: str) -> OverLimit:
    """A refusal such as `inflates to 1024 MB, over the limit of 200 MB (max_inflated_mb)`."""
    return OverLimit(path, f"{found}, over the limit of {limit} ({name})", name)


def megabytes(size: int) -> str:
    """A size in MB as a person reads it: 1024 MB, 57.3 MB, 0.4 MB."""
    mb = size / 1024 / 1024
    return f"{mb:.0f} MB" if mb >= 100 or mb == int(mb) else f"{mb:.1f} MB"


def check_table_cells(path: str | Path, cells: int, max_cells: int) -> None:
    """Refuse a table whose grid, merged positions counted, has grown past the limit."""
    if cells > max_cells:
        raise over_limit(path, f"a table of {cells:,} cells or more", f"{max_cells:,}", "max_table_cells")
