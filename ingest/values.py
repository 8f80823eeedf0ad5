"""Numbers as printed in report tables: 184项, 减3项, 增1945, 2694.35万元, blanks."""

from __future__ import annotations

import re
import unicodedata

from ingest.model import Number

_VALUE = re.compile(
    r"^(?P<sign>增加|减少|增|减|\+|-|−)?(?P<number>\d[\d,]*(?:\.\d+)?)(?:余)?(?P<unit>万元|元|件|项|个|条|次|家)?$"
)
# Printed in place of a number where nothing applies; stored blank, like an empty cell.
_BLANK_MARKS = {"", "-", "—", "——", "/", "无", "－", "--"}
# Printed in a change column (本年增/减) where nothing changed: the number 0, in words.
_NO_CHANGE = {"持平", "不变", "无变化", "未变化"}


def clean(raw: str | None) -> str:
    """A cell's text without spaces and with half-width digits and signs."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or "")).replace("\xa0", "")


def is_value(raw: str | None) -> bool:
    """Whether a cell holds a number or is blank (as opposed to a label)."""
    text = clean(raw)
    return text in _BLANK_MARKS or text in _NO_CHANGE or _VALUE.match(text) is not None


def parse_value(raw: str | None, default_unit: str) -> tuple[Number | None, str]:
    """The number a cell publishes and its unit; (None, unit) for a blank cell."""
    text = clean(raw)
    if text in _BLANK_MARKS:
        return None, default_unit
    if text in _NO_CHANGE:
        return 0, default_unit
    match = _VALUE.match(text)
    if match is None:
        raise ValueError(f"not a number: {raw!r}")
    digits = match["number"].replace(",", "")
    value: Number = float(digits) if "." in digits else int(digits)
    if match["sign"] in ("减", "减少", "-", "−"):
        value = -value
    return value, match["unit"] or default_unit


def format_number(value: Number) -> str:
    """A number as printed: 31, 2694.35 (never 31.0)."""
    return str(int(value)) if float(value).is_integer() else str(value)
