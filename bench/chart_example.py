"""The README's charts, drawn from generated reports stored and read back like real ones.

Reports of made-up bodies (示例省…) are generated with reportgen, rendered as HTML pages,
ingested into a temporary data dir, read back through ingest/read.py as series and drawn by
bot/chart.py: the same path a real answer's chart takes from the database.

    python -m bench.chart_example [OUT_DIR]     # default: docs/
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from reportgen import generate_report, render_html
from bot.chart import draw_series
from bot.export import matching_bodies
from ingest.read import bodies, figure_series
from ingest.run import ingest_paths
from ingest.database import open_db

BODY = "示例省示范市人民政府"
NEIGHBOURS = ("示例省甲市人民政府", "示例省乙市人民政府", "示例省丙市人民政府", "示例省丁市人民政府")
YEARS = range(2019, 2025)
FIRST_SEED = 300  # any seed works; this one gives a body that got applications in most years
# Table 3, 一、本年新收政府信息公开申请数量, 总计: the same cell in the 2019 and 2021 formats.
CELL = (3, "new", "total")


def build(out_dir: Path) -> list[Path]:
    """Generate, ingest and draw; the PNGs written."""
    with tempfile.TemporaryDirectory() as scratch:
        folder, data_dir = Path(scratch) / "reports", Path(scratch) / "data"
        folder.mkdir()
        wanted = [(BODY, year) for year in YEARS] + [(body, YEARS[-1]) for body in NEIGHBOURS]
        for seed, (body, year) in enumerate(wanted, start=FIRST_SEED):
            page = render_html(generate_report(seed, body=body, year=year))
            (folder / f"{seed}.html").write_text(page, "utf-8")
        summary = ingest_paths([folder], data_dir, workers=1)
        if summary.refused:
            raise SystemExit(f"generated reports were refused: {summary.line()}")
        db = open_db(data_dir)
        try:
            [body] = matching_bodies(bodies(db), BODY)
            over_years = _series(figure_series(db, *CELL, body_id=body.id))
            across = _series(figure_series(db, *CELL, year=YEARS[-1]))
        finally:
            db.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        draw_series(over_years, out_dir / "chart-example.png"),
        draw_series(across, out_dir / "chart-bodies.png"),
    ]


def _series(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A series answer's fields from stored rows, with the change over the last two years."""
    first = rows[0]
    series: dict[str, Any] = {
        "kind": "series",
        "unit": first["unit"],
        "source": {"table": CELL[0], "row": first["row_path"], "column": first["column_label"]},
        "rows": [{k: r[k] for k in ("report", "value", "unit", "raw")} for r in rows],
    }
    years = sorted({r["report"]["year"] for r in rows})
    if len(years) > 1 and len({r["report"]["body"] for r in rows}) == 1:
        before, after = (next(r["value"] for r in rows if r["report"]["year"] == y) for y in years[-2:])
        if before is not None and after is not None:
            delta = after - before
            percent = round(delta / before * 100, 1) if before else None
            series["change"] = {"from_year": years[-2], "to_year": years[-1], "delta": delta, "percent": percent}
    return series


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    for path in build(out_dir):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
