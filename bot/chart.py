"""A series answer drawn as a PNG: a line over years, bars across bodies, all text in Chinese.

The series is the `series` answer's fields (ARCHITECTURE.md): `rows`, each
``{"report": {"id", "body", "year", "title"}, "value", "unit", "raw"}``, an optional `change`
``{"from_year", "to_year", "delta", "percent"}``, and a `title`, or a `source`
``{"table", "row", "column"}`` to make one from. A blank cell (value None) is a gap, never 0.
"""

from __future__ import annotations

import math
import threading
from functools import cache
from pathlib import Path
from typing import Any, Mapping

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.files import replacing
from ingest.values import format_number

MAX_BARS = 30  # more bodies than this make an unreadable picture (and too tall a Telegram photo)
_DPI = 150
_LINE_COLOUR = "#1f5fa8"
_BAR_COLOUR = "#2f7ebc"
_MUTED = "#666666"
# rc_context swaps matplotlib's global settings: two threads drawing at once (the bot draws off
# its event loop) could each restore the other's, and a chart would lose its Chinese font.
_DRAWING = threading.RLock()


class EmptySeries(ValueError):
    """A series with no rows: nothing to draw."""


@cache
def chinese_font() -> Path:
    """Noto Sans SC from its pip package, registered with matplotlib once per process."""
    from pylopdf_fonts_zh_cn import sans_path

    path = sans_path()
    font_manager.fontManager.addfont(str(path))
    return path


@cache
def _font_family() -> str:
    return font_manager.FontProperties(fname=str(chinese_font())).get_name()


def _style() -> dict[str, Any]:
    # Only the Chinese font: a fallback would hide a missing glyph instead of failing the tests.
    return {"font.family": [_font_family()], "axes.unicode_minus": False, "font.size": 10}


def draw_series(series: Mapping[str, Any] | Any, path: str | Path) -> Path:
    """Draw a series answer (a dict, or an Answer) into a PNG at `path`."""
    path = Path(path)
    with _DRAWING, matplotlib.rc_context(_style()):
        figure = series_figure(series)
        with replacing(path) as written:
            figure.savefig(written, format="png", dpi=_DPI)
    return path


def series_figure(series: Mapping[str, Any] | Any) -> Figure:
    """The figure for a series: one body → a line over years; several bodies in one year → bars."""
    data = series if isinstance(series, Mapping) else series.to_dict()
    rows = list(data.get("rows") or [])
    if not rows:
        raise EmptySeries("a series needs at least one row to draw")
    with _DRAWING, matplotlib.rc_context(_style()):
        figure = Figure(figsize=(8, 4.5), layout="constrained")
        bodies = list(dict.fromkeys(r["report"]["body"] for r in rows))
        years = {r["report"]["year"] for r in rows}
        if len(bodies) > 1 and len(years) == 1:
            notes = _bars(figure, data, rows)
        else:
            notes = _lines(figure, data, rows, bodies)
        if data.get("change"):
            figure.axes[0].set_title(_change_text(data["change"], _unit(data, rows)), fontsize=9, color=_MUTED)
        if notes:
            figure.text(0.01, 0.005, "\n".join(notes), fontsize=8, color=_MUTED, ha="left", va="bottom")
            figure.get_layout_engine().set(rect=(0, 0.04 * len(notes), 1, 1 - 0.04 * len(notes)))
        # Drawn here, in the Chinese font: tick labels only come into being when drawn.
        FigureCanvasAgg(figure).draw()
    return figure


def _lines(figure: Figure, data: Mapping[str, Any], rows: list[dict], bodies: list[str]) -> list[str]:
    axes = figure.add_subplot()
    unit = _unit(data, rows)
    years = sorted({r["report"]["year"] for r in rows})
    blanks, not_held = [], []
    for body in bodies:
        points = {r["report"]["year"]: r for r in rows if r["report"]["body"] == body}
        xs = [y for y in years if y in points]
        # NaN breaks the line: a blank cell is a gap, not a fall to zero.
        ys = [math.nan if points[y]["value"] is None else points[y]["value"] for y in xs]
        colour = _LINE_COLOUR if len(bodies) == 1 else None
        axes.plot(xs, ys, marker="o", color=colour, label=body if len(bodies) > 1 else None)
        for x, y in zip(xs, ys):
            if math.isnan(y):
                held = points[x]["report"]["id"] is not None  # else no report of that year is held
                (blanks if held else not_held).append(f"{body} {x}年" if len(bodies) > 1 else f"{x}年")
                word = "空白" if held else "无报告"
                axes.annotate(word, (x, 0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8, color=_MUTED)
            else:
                axes.annotate(format_number(y), (x, y), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=9)
    axes.set_xticks(years, [str(y) for y in years])
    if len(years) == 1:
        axes.set_xlim(years[0] - 1, years[0] + 1)
    low, high = _extent(rows)
    # From zero (a count read from a cut axis looks larger than it is), with room for the labels.
    axes.set_ylim(min(0, low) * 1.15, max(high, 0) * 1.15 or 1)
    axes.ticklabel_format(axis="y", style="plain", useOffset=False)  # 4000000, not 4 under a "1e6"
    axes.set_xlabel("年度")
    axes.set_ylabel(_value_label(data, unit))
    axes.grid(axis="y", alpha=0.3)
    if len(bodies) > 1:
        axes.legend(fontsize=8)
    title = data.get("title") or _default_title(data, bodies[0] if len(bodies) == 1 else None, None)
    figure.suptitle(title, fontsize=13)
    return _blank_note(blanks) + ([f"注：{'、'.join(not_held)}没有报告，图中留空。"] if not_held else [])


def _bars(figure: Figure, data: Mapping[str, Any], rows: list[dict]) -> list[str]:
    unit = _unit(data, rows)
    year = rows[0]["report"]["year"]
    # Largest first; blanks after every number, never ranked as 0.
    ranked = sorted(rows, key=lambda r: (r["value"] is None, -(r["value"] or 0), r["report"]["body"]))
    notes = []
    if len(ranked) > MAX_BARS:
        notes.append(f"注：只画出前{MAX_BARS}个机关，另有{len(ranked) - MAX_BARS}个未画出。")
        ranked = ranked[:MAX_BARS]
    figure.set_size_inches(8, max(3.0, 0.38 * len(ranked) + 1.6))
    axes = figure.add_subplot()
    names = [r["report"]["body"] for r in ranked]
    positions = list(range(len(ranked)))
    values = [0 if r["value"] is None else r["value"] for r in ranked]
    bars = axes.barh(positions, values, color=_BAR_COLOUR)
    for bar, row in zip(bars, ranked):
        if row["value"] is None:
            bar.set_visible(False)
    labels = ["空白" if r["value"] is None else format_number(r["value"]) for r in ranked]
    axes.bar_label(bars, labels=labels, padding=3, fontsize=9)
    axes.set_yticks(positions, names)
    axes.invert_yaxis()  # the largest at the top
    axes.margins(x=0.12)
    axes.ticklabel_format(axis="x", style="plain", useOffset=False)
    axes.set_xlabel(_value_label(data, unit))
    axes.set_ylabel("机关")
    axes.grid(axis="x", alpha=0.3)
    figure.suptitle(data.get("title") or _default_title(data, None, year), fontsize=13)
    return _blank_note([r["report"]["body"] for r in ranked if r["value"] is None]) + notes


def _unit(data: Mapping[str, Any], rows: list[dict]) -> str:
    return data.get("unit") or next((r["unit"] for r in rows if r.get("unit")), "")


def _extent(rows: list[dict]) -> tuple[float, float]:
    values = [r["value"] for r in rows if r["value"] is not None]
    return min(values, default=0), max(values, default=0)


def _cell_words(data: Mapping[str, Any]) -> tuple[str, str]:
    """The row's own label (the last part of its path) and the column, from the answer's source."""
    source = data.get("source") or {}
    row = str(source.get("row") or "").split(" / ")[-1].strip()
    return row, str(source.get("column") or "")


def _default_title(data: Mapping[str, Any], body: str | None, year: int | None) -> str:
    row, column = _cell_words(data)
    cell = f"{row}（{column}）" if row and column else row or column
    where = body if body is not None else f"{year}年各机关" if year is not None else "各机关"
    return f"{where}：{cell}" if cell else where


def _value_label(data: Mapping[str, Any], unit: str) -> str:
    _, column = _cell_words(data)
    word = column or ("金额" if "元" in unit else "数量")
    return f"{word}（{unit}）" if unit else word


def _change_text(change: Mapping[str, Any], unit: str) -> str:
    delta = change["delta"]
    verb = "增加" if delta > 0 else "减少" if delta < 0 else "持平"
    text = f"{change['from_year']}年→{change['to_year']}年：{verb}"
    if delta:
        text += f"{format_number(abs(delta))}{unit}"
    if change.get("percent") is not None and delta:
        text += f"（{change['percent']:+.1f}%）"
    return text


def _blank_note(blanks: list[str]) -> list[str]:
    if not blanks:
        return []
    return [f"注：{'、'.join(blanks)}该栏空白（报告未填数字），图中留空，未按0计。"]
