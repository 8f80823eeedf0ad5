"""One file to one ParsedReport: read, find the structure, extract and check the tables."""

from __future__ import annotations

import hashlib
from pathlib import Path

from config import Limits
from ingest.limits import current_limits
from ingest.model import ParsedReport, ReportWarning
from ingest.nationalformat import NONSTANDARD, national_format
from ingest.readers import read_bytes, read_document
from ingest.structure import read_structure
from ingest.tables import extract_figures
from ingest.findings import report_findings


def parse_report(path: Path, data: bytes | None = None, limits: Limits | None = None) -> ParsedReport:
    """Parse a report file; raises RefusedFile (naming the file) when it cannot be one or is over a limit."""
    limits = limits or current_limits()
    if data is None:
        data = read_bytes(path, limits)
    document = read_document(path, data, limits)
    structure = read_structure(path, document)
    version = national_format().version_for_year(structure.year)
    report = ParsedReport(
        title=structure.title,
        body=structure.body,
        year=structure.year,
        format=version,
        source_file=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        published=structure.published,
        sections=structure.sections,
        passages=structure.passages,
    )
    if version == NONSTANDARD:
        return report  # before 2019 tables follow no national layout: text only
    report.figures, report.warnings = extract_figures(structure.tables, version)
    report.findings = report_findings(report)
    if not report.passages:
        report.warnings.append(ReportWarning("text", "no passages of text were found", {}))
    return report
