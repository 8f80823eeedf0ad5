"""The measuring scripts still run: a `make` target whose script rotted measures nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_a_short_soak_answers_every_update_once():
    """`make soak` drives the real bot process against the fake Bot API; a few seconds of it."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--seconds", "3", "--users", "5", "--upload-every", "2", "--think", "0.2", "0.5"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=240,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "every update answered exactly once: yes" in result.stdout
    assert "token in bot log   no" in result.stdout
