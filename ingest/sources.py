"""The files reports were read from, kept by their sha256 so that a replaced reading can come back."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SOURCES_FOLDER = "sources"


def source_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / SOURCES_FOLDER / sha256[:2] / sha256


def keep_source(data_dir: Path, data: bytes, sha256: str) -> Path:
    """Keep a file's bytes (once: the same bytes are the same file); written whole or not at all."""
    path = source_path(data_dir, sha256)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)  # whole or absent; not synced: the file it copies is still where it came from
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
