"""Shared fixtures: a data dir per test, and the real reports in ../shared/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "samples" / "liuzhou-chengzhong-2020.txt"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data dir, also through $REPORTBOT_DATA."""
    directory = tmp_path / "data"
    monkeypatch.setenv("REPORTBOT_DATA", str(directory))
    return directory


def shared_report(name: str) -> Path:
    """A real report from ../shared/corpus; the test is skipped when that folder is absent."""
    path = SHARED_CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real reports live in ../shared/corpus beside the repo")
    return path
