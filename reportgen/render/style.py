"""Printing habits that vary between sites, fixed per report (from its title) so that every
rendering of one report agrees and rendering is repeatable."""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass, replace

from reportgen.layout import PLAIN, Layout
from reportgen.render.grid import Slot
from reportgen.report import SyntheticReport

_HALFWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})
_SUB_ROW_NUMBER = re.compile(r"^(\d+)\.")


@dataclass(frozen=True)
class Style:
    """How one report prints its labels, headings and signature."""

    halfwidth: bool  # 第二十条第(一)项 rather than 第二十条第（一）项
    alt_labels: bool  # 行政规范性文件 for 规范性文件 and the like
    split_columns: bool  # 本年新 / 制作数量 on two lines in a text copy
    heading_tag: str  # how a page marks a section heading
    wrap_cells: bool  # <td><p>…</p></td>
    signed: str  # the signature date, 2021年1月29日
    numbering: str = "."  # the mark after the number of a sub-row: 1.属于国家秘密, 1、属于国家秘密


def style_of(report: SyntheticReport, layout: Layout = PLAIN) -> Style:
    """This report's printing habits, drawn from its title; a layout may set some of them."""
    rng = random.Random(zlib.crc32(report.title.encode()))
    year, month, day = (int(x) for x in report.published.split("-"))
    day = max(1, day - rng.randint(0, 5))
    if rng.random() < 0.05:
        year = report.year  # signed with the report year, as liuzhou-chengzhong-2020 is
    drawn = Style(
        halfwidth=rng.random() < 0.35,
        alt_labels=rng.random() < 0.15,
        split_columns=rng.random() < 0.5,
        heading_tag=rng.choice(("h3", "strong", "p")),
        wrap_cells=rng.random() < 0.4,
        signed=f"{year}年{month}月{day}日",
    )
    return replace(
        drawn,
        halfwidth=drawn.halfwidth if layout.halfwidth is None else layout.halfwidth,
        alt_labels=drawn.alt_labels if layout.alt_labels is None else layout.alt_labels,
        numbering=layout.numbering,
    )


def label(slot: Slot, style: Style, table: int, text_copy: bool = False) -> str:
    """A label slot as this report prints it."""
    text = slot.alts[0] if slot.alts and style.alt_labels else slot.text
    if style.halfwidth:
        text = text.translate(_HALFWIDTH)
    if style.numbering != "." and slot.role == "row":
        text = _SUB_ROW_NUMBER.sub(rf"\1{style.numbering}", text)
    if text_copy and style.split_columns and table == 2 and slot.role == "column" and len(text) >= 7 \
            and not any(b in text for b in "(（"):
        text = f"{text[:3]}\n{text[3:]}"  # a narrow header cell wraps, and the copy keeps the break
    return text
