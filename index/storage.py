"""Versioned index folders: a new version is written beside the old, then CURRENT points at it.

Arrays a new version shares with the old one (the postings of unchanged segments) are
hard links, not copies, so saving after a small change costs little.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

LAYOUT = 2  # bump when what is saved changes; an old layout is rebuilt, never misread
_KEEP_VERSIONS = 2  # besides the current one
_GRACE_SECONDS = 10.0  # far longer than opening a version takes; a reader that still misses one reads CURRENT again
_OPEN_ATTEMPTS = 5


def write_version(
    directory: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any], keep: dict[str, Path] | None = None
) -> Path:
    """Save arrays (.npy) and metadata (JSON); readers switch to it in one atomic rename.

    `keep` names arrays to carry over unchanged from files of the current version. A process
    that has the old version memory-mapped keeps reading it until it reloads.
    """
    directory.mkdir(parents=True, exist_ok=True)
    version = directory / f"v-{uuid.uuid4().hex[:12]}"
    version.mkdir()
    try:
        for name, source in (keep or {}).items():
            try:
                os.link(source, version / f"{name}.npy")
            except OSError:
                shutil.copyfile(source, version / f"{name}.npy")
        for name, array in arrays.items():
            np.save(version / f"{name}.npy", np.ascontiguousarray(array))
        (version / "meta.json").write_text(json.dumps({"layout": LAYOUT, **meta}, ensure_ascii=False), "utf-8")
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)  # half a version is no version: CURRENT still names the last
        raise
    pointer = directory / "CURRENT.new"
    pointer.write_text(version.name, "utf-8")
    os.replace(pointer, directory / "CURRENT")
    _forget_old_versions(directory, version)
    return version


def _forget_old_versions(directory: Path, current: Path) -> None:
    """Delete versions no reader can still be opening: all but the newest few, and none younger than
    a grace period (a reader that read CURRENT a moment ago is loading the one before)."""
    now = time.time()
    older = sorted((v for v in directory.glob("v-*") if v != current), key=lambda v: v.stat().st_mtime, reverse=True)
    for old in older[_KEEP_VERSIONS:]:
        if now - old.stat().st_mtime > _GRACE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def read_version(directory: Path, mmap: bool = True) -> tuple[dict[str, np.ndarray], dict[str, Any], Path] | None:
    """The current version's arrays (memory-mapped), metadata and folder; None if none is usable.

    A version removed while it was being opened (an old one, long after the switch) is met by
    reading CURRENT again."""
    for _ in range(_OPEN_ATTEMPTS):
        try:
            version = directory / (directory / "CURRENT").read_text("utf-8").strip()
            meta = json.loads((version / "meta.json").read_text("utf-8"))
            if meta.get("layout") != LAYOUT:
                return None
            mode = "r" if mmap else None
            arrays = {path.name.removesuffix(".npy"): np.load(path, mmap_mode=mode) for path in version.glob("*.npy")}
            return arrays, meta, version
        except FileNotFoundError:
            continue
        except ValueError:
            return None
    return None
