"""Series answers: one cell over the years a body's reports cover, or across bodies, with the change.

Each row is the published figure of one report, with that report; a blank cell or a year not
held is said as such and never counted as 0, so no change is worked out across it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.understand import CellQuery, Understanding
from ingest.nationalformat import NONSTANDARD, national_format
from ingest.places import Place
from ingest.values import format_number

if TYPE_CHECKING:
    from bot.answer import Answer, ReportRef, Snapshot

_CHANGE = "change"  # the 2019 format's 本年增/减 column key


def asks_series(snapshot: "Snapshot", understood: Understanding) -> bool:
    """Whether a figure question asks for more than one figure: years, a change, several bodies.

    A change the report prints itself (the 2019 format's 本年增/减) is one figure."""
    several = (
        understood.series
        or understood.change
        or understood.ranking
        or understood.compared_with_previous
        or len(set(understood.years)) > 1
        or len(understood.body_groups) > 1
    )
    return several and not _states_its_change(snapshot, understood)


def _states_its_change(snapshot: "Snapshot", understood: Understanding) -> bool:
    cell = understood.cell
    assert cell is not None
    if _CHANGE not in cell.columns or len(understood.bodies) != 1:
        return False
    held = snapshot.by_body.get(understood.bodies[0], [])
    report = next((r for r in held if r.year == understood.year), None) if understood.year else (held[-1] if held else None)
    if report is None or report.format == NONSTANDARD:
        return False
    blocks = [b for b in national_format().table(cell.table).blocks_in(report.format) if any(r.key in cell.rows for r in b.rows)]
    return bool(blocks) and any(c.key == _CHANGE for c in blocks[0].columns)


def series_answer(snapshot: "Snapshot", understood: Understanding) -> "Answer":
    """The figure over years (and its change) or across bodies (ranked), as one series answer."""
    cell = understood.cell
    assert cell is not None
    if cell.columns == (_CHANGE,):
        # 增加, 变化: the change is worked out between the years, not read from a column (a 2019-format one).
        understood.cell = replace(cell, columns=(), column_words=None)
    if len(understood.body_groups) > 1 and understood.series and not understood.years and not understood.ranking:
        return _bodies_over_years(snapshot, understood)
    if understood.ranking or len(understood.body_groups) > 1 or understood.subordinate:
        return _across_bodies(snapshot, understood)
    return _over_years(snapshot, understood)


def _bodies_over_years(snapshot: "Snapshot", understood: Understanding) -> "Answer":
    """淮安和洪泽区历年行政处罚: each body's figure in every year it is held, body by body."""
    question, cell = understood.question, understood.cell
    assert cell is not None
    bodies = _bodies_compared(snapshot, understood)
    rows = [
        _row(snapshot, question, cell, report, report.year, body_name=report.body)
        for body in bodies
        for report in snapshot.by_body.get(body, [])
    ]
    label = next((r["label"] for r in rows if r.get("label")), cell.words)
    lines = [_line(r, f"{r['report']['body']} {r['year']}年") for r in rows]
    return _answer(snapshot, understood, rows, None, f"{label}，历年", lines)


def _over_years(snapshot: "Snapshot", understood: Understanding) -> "Answer":
    question, cell = understood.question, understood.cell
    assert cell is not None
    bodies = understood.bodies or list(snapshot.by_body)
    if len(bodies) > 1:
        return snapshot.clarify(question, [r for b in bodies for r in snapshot.by_body.get(b, [])])
    held = snapshot.by_body.get(bodies[0], [])
    if not held:
        return snapshot.none(question, "我没有这个单位的报告。")
    years = sorted(set(understood.years))
    if understood.compared_with_previous:
        latest = years[-1] if years else held[-1].year
        years = [latest - understood.compared_years_back, latest]
    every_year = not years
    if every_year:
        years = list(range(held[0].year, held[-1].year + 1))  # every year from the first held, gaps said
    by_year = {r.year: r for r in held}
    rows = [_row(snapshot, question, cell, by_year.get(year), year, body_name=held[-1].body) for year in years]
    change = _change(rows) if (understood.change or understood.compared_with_previous or len(years) == 2) else None
    label = next((r["label"] for r in rows if r.get("label")), cell.words)
    title = f"{held[-1].body} {label}" + ("，历年" if every_year else "")
    lines = [_line(r, f"{r['year']}年") for r in rows]
    if change is not None:
        lines.append(_change_words(change, rows[0]["unit"] or ""))
    elif understood.change and len(rows) >= 2:
        lines.append("有一年的数字空白或没有报告，无法算出变化。")
    return _answer(snapshot, understood, rows, change, title, lines)


def _across_bodies(snapshot: "Snapshot", understood: Understanding) -> "Answer":
    question, cell = understood.question, understood.cell
    assert cell is not None
    bodies = _bodies_compared(snapshot, understood)
    if not understood.body_groups and understood.ranking:
        bodies = _bodies_of_a_year(snapshot, understood.year)  # 2024年收到申请排名: every body held
        if understood.subordinate:  # 各区县: of those, the district and county governments
            bodies = [b for b in bodies if _is_county_government(snapshot, b, snapshot.body_names.places.get(b, ()))]
    if len(bodies) < 2:
        return snapshot.none(question, "要比较的单位中，我持有报告的不到两个。")
    year = understood.year
    if year is None:  # the latest year all of them report
        common = set.intersection(*({r.year for r in snapshot.by_body.get(b, [])} for b in bodies))
        year = max(common) if common else max(r.year for b in bodies for r in snapshot.by_body.get(b, []))
    # 城中区2020年和洪泽区2023年: a year for each body, in the order they are said.
    paired = len(understood.body_groups) == len(bodies) == len(understood.years) > 1
    years = understood.years if paired else [year] * len(bodies)
    rows = []
    for body, body_year in zip(bodies, years):
        report = next((r for r in snapshot.by_body.get(body, []) if r.year == body_year), None)
        rows.append(_row(snapshot, question, cell, report, body_year, body_name=_name(snapshot, body)))
    if understood.ranking:
        # Largest first; a blank or missing figure is listed last, never ranked as 0.
        rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
    label = next((r["label"] for r in rows if r.get("label")), cell.words)
    names = [f"{r['report']['body']} {r['year']}年" if paired else r["report"]["body"] for r in rows]
    lines = [_line(r, f"{i}. {name}" if understood.ranking else name) for i, (r, name) in enumerate(zip(rows, names), 1)]
    if len(lines) > LISTED_RANKS:
        lines = lines[:LISTED_RANKS] + [f"……另有 {len(lines) - LISTED_RANKS} 个单位，未列出。"]
    return _answer(snapshot, understood, rows, None, label if paired else f"{year}年 {label}", lines)


LISTED_RANKS = 20  # a ranking of thousands of bodies is read from its top


def _bodies_of_a_year(snapshot: "Snapshot", year: int | None) -> list[int]:
    """The bodies holding a report of the year; with no year, of the latest year two or more hold."""
    if year is None:
        counts: dict[int, int] = {}
        for reports in snapshot.by_body.values():
            for report in reports:
                counts[report.year] = counts.get(report.year, 0) + 1
        year = max((y for y, n in counts.items() if n >= 2), default=None)
    return sorted(b for b, reports in snapshot.by_body.items() if any(r.year == year for r in reports))


def _bodies_compared(snapshot: "Snapshot", understood: Understanding) -> list[int]:
    """The bodies named (A和B), or those under the one place named (淮安市各区县): its district and county governments."""
    if len(understood.body_groups) > 1 or not understood.subordinate:
        # A name two bodies share (城中区) brings both, each named in full: never one picked for the other.
        return list(dict.fromkeys(b for group in understood.body_groups for b in group))
    scope = [p for b in understood.bodies for p in snapshot.body_names.places.get(b, ())]
    under: list[int] = []
    for body, places in snapshot.body_names.places.items():
        if body in understood.bodies or body not in snapshot.by_body:
            continue
        if _is_county_government(snapshot, body, places) and any(s.contains(p) for s in scope for p in places):
            under.append(body)
    return sorted(under, key=lambda b: _name(snapshot, b))


def _is_county_government(snapshot: "Snapshot", body: int, places: tuple[Place, ...]) -> bool:
    return bool(places) and all(p.level == 3 for p in places) and _name(snapshot, body).endswith("人民政府")


def _name(snapshot: "Snapshot", body: int) -> str:
    return snapshot.by_body[body][-1].body


def _row(
    snapshot: "Snapshot", question: str, cell: CellQuery, report: "ReportRef | None", year: int, body_name: str = ""
) -> dict[str, Any]:
    """One report's figure as a series row; a year not held or a cell not read is a row without a value."""
    if report is None:
        return {"report": {"id": None, "body": body_name, "year": year, "title": None}, "year": year,
                "value": None, "unit": None, "raw": None, "missing": "没有这一年的报告"}
    figure = snapshot.figure_for(question, cell, report)
    row = {"report": report.as_dict(), "year": year, "value": figure.value, "unit": figure.unit,
           "raw": (figure.source or {}).get("raw")}
    if figure.kind != "figure":
        row["missing"] = figure.text.splitlines()[0]
    elif figure.value is None:
        row["missing"] = "报告中这一格是空白的"
    notes = [line for line in figure.text.splitlines() if line.startswith("注意：")]
    if notes:
        row["notes"] = notes
    if figure.source:
        row["label"] = figure.source.get("label")
        row["source"] = {k: figure.source[k] for k in ("table", "row", "column") if k in figure.source}
    return row


def _change(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """From the first year to the last: the difference and the growth in percent (None from 0)."""
    first, last = rows[0], rows[-1]
    if len(rows) < 2 or first["value"] is None or last["value"] is None:
        return None
    # In decimal: 7545 - 7730.28 is -185.28, not the float -185.27999999999975.
    exact = Decimal(str(last["value"])) - Decimal(str(first["value"]))
    delta = int(exact) if exact == exact.to_integral_value() else float(exact)
    percent = round(delta / first["value"] * 100, 1) if first["value"] else None
    return {"from_year": first["year"], "to_year": last["year"], "delta": delta, "percent": percent}


def _change_words(change: dict[str, Any], unit: str) -> str:
    delta, percent = change["delta"], change["percent"]
    span = f"{change['to_year']}年比{change['from_year']}年"
    if delta == 0:
        return f"{span}持平。"
    more = "多了" if delta > 0 else "少了"
    growth = "" if percent is None else f"，{'增长' if delta > 0 else '下降'}{format_number(abs(percent))}%"
    if percent is None:
        growth = f"（{change['from_year']}年为0，无法算出增长率）"
    return f"{span}{more}{format_number(abs(delta))}{unit}{growth}。"


def _line(row: dict[str, Any], name: str) -> str:
    if row.get("missing"):
        return f"{name}：{row['missing']}"
    shown = f"{format_number(row['value'])}{row['unit'] or ''}"
    raw = f"（原文“{row['raw']}”）" if row.get("raw") and row["raw"] not in (format_number(row["value"]), shown) else ""
    notes = "".join(f"\n  {note}" for note in row.get("notes", ()))
    return f"{name}：{shown}{raw}（《{row['report']['title']}》）{notes}"


def _answer(
    snapshot: "Snapshot", understood: Understanding, rows: list[dict], change: dict | None, title: str, lines: list[str]
) -> "Answer":
    from bot.answer import Answer

    found = [r for r in rows if r["value"] is not None]
    if not found:
        return snapshot.none(understood.question, "我持有的报告中没有读到这些数字：\n" + "\n".join(lines))
    source = next((r["source"] for r in rows if r.get("source")), None)
    public_rows = [{k: r[k] for k in ("report", "value", "unit", "raw")} for r in rows]
    unit = next((r["unit"] for r in found), None)
    return Answer(
        understood.question, "series", f"{title}：\n" + "\n".join(lines), None, unit, None, source,
        rows=public_rows, change=change,
    )
