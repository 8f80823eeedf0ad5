"""Errors a user must see, each with a one-line reason."""

from __future__ import annotations

from pathlib import Path


class ReportbotError(Exception):
    """Base of every error that is shown to the user as one clear line."""


class RefusedFile(ReportbotError):
    """A file that cannot be ingested; the message names the file and the reason."""

    kind = "refused"  # which refusal, for a front end to say in its own words

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFile(RefusedFile):
    """Not a text, HTML, PDF or DOCX file, or unreadable as one."""

    kind = "unsupported"


class NotAReport(RefusedFile):
    """Readable, but not a 政府信息公开工作年度报告."""

    kind = "not_a_report"


class WorseReading(RefusedFile):
    """A new reading of a report held that would lose its tables, figures or passages."""

    kind = "worse_reading"


class NothingToRestore(ReportbotError):
    """A report with no earlier reading kept (or no such report)."""


class OverLimit(RefusedFile):
    """Over one of the limits on what parsing a file may cost (config/defaults.toml)."""

    kind = "over_limit"

    def __init__(self, path: str | Path, reason: str, limit: str):
        self.limit = limit
        super().__init__(path, reason)
