"""Versioned index folders: a new version is written beside the old, then CURRENT points at it.

Arrays a new version shares with the old one (the postings of unchanged segments) are
hard links, not copies, so saving after a small change costs little.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np

LAYOUT = 2  # bump when what is saved changes; an old layout is rebuilt, never misread


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
    for name, source in (keep or {}).items():
        try:
            os.link(source, version / f"{name}.npy")
        except OSError:
            shutil.copyfile(source, version / f"{name}.npy")
    for name, array in arrays.items():
        np.save(version / f"{name}.npy", np.ascontiguousarray(array))
    (version / "meta.json").write_text(json.dumps({"layout": LAYOUT, **meta}, ensure_ascii=False), "utf-8")
    pointer = directory / "CURRENT.new"
    pointer.write_text(version.name, "utf-8")
    os.replace(pointer, directory / "CURRENT")
    for old in directory.glob("v-*"):
        if old != version:
            shutil.rmtree(old, ignore_errors=True)
    return version


def read_version(directory: Path, mmap: bool = True) -> tuple[dict[str, np.ndarray], dict[str, Any], Path] | None:
    """The current version's arrays (memory-mapped), metadata and folder; None if none is usable."""
    try:
        version = directory / (directory / "CURRENT").read_text("utf-8").strip()
        meta = json.loads((version / "meta.json").read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if meta.get("layout") != LAYOUT:
        return None
    mode = "r" if mmap else None
    arrays = {path.name.removesuffix(".npy"): np.load(path, mmap_mode=mode) for path in version.glob("*.npy")}
    return arrays, meta, version
