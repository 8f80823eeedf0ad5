"""Printing habits that vary between sites, fixed per report (from its title) so that every
rendering of one report agrees and rendering is repeatable."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from typing import Iterator

from ingest.nationalformat import national_format
from reportgen.render.grid import Grid, Slot, grids
from reportgen.report import SyntheticReport

_HALFWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})


@dataclass(frozen=True)
class Style:
    """How one report prints its labels, headings and signature."""

    halfwidth: bool  # 第二十条第(一)项 rather than 第二十条第（一）项
    alt_labels: bool  # 行政规范性文件 for 规范性文件 and the like
    split_columns: bool  # 本年新 / 制作数量 on two lines in a text copy
    heading_tag: str  # how a page marks a section heading
    wrap_cells: bool  # <td><p>…</p></td>
    signed: str  # the signature date, 2021年1月29日


def style_of(report: SyntheticReport) -> Style:
    """This report's printing habits, drawn from its title."""
    rng = random.Random(zlib.crc32(report.title.encode()))
    year, month, day = (int(x) for x in report.published.split("-"))
    day = max(1, day - rng.randint(0, 5))
    if rng.random() < 0.05:
        year = report.year  # signed with the report year, as liuzhou-chengzhong-2020 is
    return Style(
        halfwidth=rng.random() < 0.35,
        alt_labels=rng.random() < 0.15,
        split_columns=rng.random() < 0.5,
        heading_tag=rng.choice(("h3", "strong", "p")),
        wrap_cells=rng.random() < 0.4,
        signed=f"{year}年{month}月{day}日",
    )


def label(slot: Slot, style: Style, table: int, text_copy: bool = False) -> str:
    """A label slot as this report prints it."""
    text = slot.alts[0] if slot.alts and style.alt_labels else slot.text
    if style.halfwidth:
        text = text.translate(_HALFWIDTH)
    if text_copy and style.split_columns and table == 2 and slot.role == "column" and len(text) >= 7 \
            and not any(b in text for b in "(（"):
        text = f"{text[:3]}\n{text[3:]}"  # a narrow header cell wraps, and the copy keeps the break
    return text


def sections(report: SyntheticReport) -> Iterator[tuple[str, list[str], Grid | None]]:
    """Each section: its heading, its paragraphs and the table printed in it."""
    by_section = grids(report.version)
    for section in national_format().sections:
        yield section.title, report.paragraphs.get(section.number, []), by_section.get(section.number)
