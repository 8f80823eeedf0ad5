"""Page furniture that converters and printers leave in a report's text: page footers."""

from __future__ import annotations

import re

# — 1 —, - 12 -, 第 3 页, 第3页共7页: a footer line, never a report's words.
_PAGE_FOOTER = re.compile(r"^[-—－–]+\s*\d{1,3}\s*[-—－–]+$|^第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?$")


def is_page_number(line: str) -> bool:
    """Whether a line is a page footer such as — 4 — or 第3页."""
    return _PAGE_FOOTER.match(line.strip()) is not None
