"""Charts: a line over years, bars across bodies, every character drawn in a font that has it."""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.text import Text
from PIL import Image

from bot.chart import MAX_BARS, EmptySeries, chinese_font, draw_series, series_figure

HONGZE = "淮安市洪泽区人民政府"


def row(body: str, year: int, value: int | float | None, unit: str = "件") -> dict:
    return {
        "report": {"id": f"{body}-{year}", "body": body, "year": year, "title": f"{body}{year}年政府信息公开工作年度报告"},
        "value": value,
        "unit": unit,
        "raw": "" if value is None else str(value),
    }


OVER_YEARS = {
    "kind": "series",
    "unit": "件",
    "source": {"table": 3, "row": "三、本年度办理结果 / （三）不予公开 / 8.属于行政查询事项", "column": "总计"},
    "rows": [row(HONGZE, y, v) for y, v in [(2020, 12), (2021, None), (2022, 7), (2023, 21), (2024, 95)]],
    "change": {"from_year": 2023, "to_year": 2024, "delta": 74, "percent": 352.4},
}
ACROSS_BODIES = {
    "kind": "series",
    "unit": "万元",
    "source": {"table": 2, "row": "第二十条第（八）项 / 行政事业性收费", "column": "收费金额"},
    "rows": [
        row("柳州市城中区人民政府", 2023, 120.5, "万元"),
        row(HONGZE, 2023, 2694.35, "万元"),
        row("盱眙县人民政府", 2023, None, "万元"),
        row("淮安市人民政府", 2023, 4500, "万元"),
    ],
}
TWO_BODIES_OVER_YEARS = {
    "title": "本年新收政府信息公开申请数量（总计）",
    "rows": [row(HONGZE, 2023, 21), row(HONGZE, 2024, 95), row("淮安市人民政府", 2023, 310), row("淮安市人民政府", 2024, 288)],
}


@cache
def cmap(font: str) -> dict[int, str]:
    return TTFont(font, lazy=True).getBestCmap()


def drawn_texts(figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def text_of(figure) -> str:
    return "\n".join(t.get_text() for t in drawn_texts(figure))


@pytest.mark.parametrize("series", [OVER_YEARS, ACROSS_BODIES, TWO_BODIES_OVER_YEARS], ids=["line", "bars", "lines"])
def test_every_character_is_drawn_in_a_font_that_has_it(series):
    figure = series_figure(series)
    texts = drawn_texts(figure)
    assert any("机关" in t.get_text() or "年度" in t.get_text() for t in texts)  # Chinese is drawn
    for text in texts:
        found = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert Path(found) == chinese_font(), f"{text.get_text()!r} drawn in {found}"
        missing = {ch for ch in text.get_text() if not ch.isspace() and ord(ch) not in cmap(found)}
        assert not missing, f"{text.get_text()!r}: {missing} not in {found}"


@pytest.mark.parametrize("series", [OVER_YEARS, ACROSS_BODIES], ids=["line", "bars"])
def test_png_is_written_without_a_missing_glyph_warning(series, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="matplotlib")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = draw_series(series, tmp_path / "chart.png")
    assert not [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not [r for r in caplog.records if "findfont" in r.getMessage() or "Glyph" in r.getMessage()]
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width >= 1000


def test_one_body_over_years_is_a_line_with_values_on_the_points():
    figure = series_figure(OVER_YEARS)
    [axes] = figure.axes
    [line] = axes.get_lines()
    assert list(line.get_xdata()) == [2020, 2021, 2022, 2023, 2024]
    texts = text_of(figure)
    for value in ("12", "7", "21", "95"):
        assert value in [t.get_text() for t in axes.texts]
    assert HONGZE in figure.get_suptitle() and "8.属于行政查询事项" in figure.get_suptitle()
    assert "总计" in figure.get_suptitle()
    assert axes.get_xlabel() == "年度" and axes.get_ylabel() == "总计（件）"
    assert "2023年→2024年：增加74件（+352.4%）" in texts


def test_a_blank_value_is_a_gap_said_in_a_note_never_zero():
    figure = series_figure(OVER_YEARS)
    [line] = figure.axes[0].get_lines()
    ys = list(line.get_ydata())
    assert math.isnan(ys[1]) and not any(math.isnan(y) for y in ys[:1] + ys[2:])
    labels = [(t.xy[0], t.get_text()) for t in figure.axes[0].texts]
    assert (2021, "0") not in labels and (2021, "空白") in labels
    assert "2021年该栏空白" in text_of(figure) and "未按0计" in text_of(figure)


def test_a_year_without_a_report_is_said_so_not_called_blank():
    missing = {**row(HONGZE, 2022, None), "report": {"id": None, "body": HONGZE, "year": 2022, "title": None},
               "missing": "没有这一年的报告"}
    figure = series_figure({**OVER_YEARS, "rows": [missing, row(HONGZE, 2023, 21), row(HONGZE, 2024, 95)]})
    labels = [(t.xy[0], t.get_text()) for t in figure.axes[0].texts]
    assert (2022, "无报告") in labels and (2022, "空白") not in labels
    assert "2022年没有报告" in text_of(figure) and "该栏空白" not in text_of(figure)
    assert "各机关" not in figure.get_suptitle() and HONGZE in figure.get_suptitle()


def test_several_bodies_in_a_year_are_bars_largest_first_with_values():
    figure = series_figure(ACROSS_BODIES)
    [axes] = figure.axes
    names = [t.get_text() for t in axes.get_yticklabels()]
    assert names == ["淮安市人民政府", HONGZE, "柳州市城中区人民政府", "盱眙县人民政府"]
    bars = axes.patches
    assert [b.get_width() for b in bars[:3]] == [4500, 2694.35, 120.5]
    assert not bars[3].get_visible()  # the blank body has no bar, not a bar of 0
    values = [t.get_text() for t in axes.texts]
    assert values == ["4500", "2694.35", "120.5", "空白"]
    assert figure.get_suptitle() == "2023年各机关：行政事业性收费（收费金额）"
    assert axes.get_xlabel() == "收费金额（万元）" and axes.get_ylabel() == "机关"
    assert "盱眙县人民政府该栏空白" in text_of(figure)


def test_many_bodies_are_cut_to_the_largest_and_said_so():
    series = {"source": {"row": "行政处罚", "column": "处理决定数量"}, "rows": [row(f"第{n}区人民政府", 2024, n) for n in range(MAX_BARS + 5)]}
    figure = series_figure(series)
    assert len(figure.axes[0].patches) == MAX_BARS
    assert figure.axes[0].get_yticklabels()[0].get_text() == f"第{MAX_BARS + 4}区人民政府"
    assert "另有5个未画出" in text_of(figure)


def test_several_bodies_over_years_are_one_line_each():
    figure = series_figure(TWO_BODIES_OVER_YEARS)
    assert len(figure.axes[0].get_lines()) == 2
    assert {t.get_text() for t in figure.axes[0].get_legend().get_texts()} == {HONGZE, "淮安市人民政府"}
    assert figure.get_suptitle() == TWO_BODIES_OVER_YEARS["title"]


def test_a_fall_says_decrease():
    series = {**OVER_YEARS, "change": {"from_year": 2022, "to_year": 2023, "delta": -3, "percent": -12.5}}
    assert "2022年→2023年：减少3件（-12.5%）" in text_of(series_figure(series))


def test_an_answer_object_is_drawn_from_its_fields(tmp_path):
    @dataclass
    class SeriesAnswer:
        kind: str
        rows: list = field(default_factory=list)
        source: dict = field(default_factory=dict)

        def to_dict(self) -> dict:
            return asdict(self)

    answer = SeriesAnswer("series", OVER_YEARS["rows"], OVER_YEARS["source"])
    assert draw_series(answer, tmp_path / "a.png").stat().st_size > 10_000


def test_nothing_to_draw_is_refused(tmp_path):
    with pytest.raises(EmptySeries):
        draw_series({"rows": []}, tmp_path / "empty.png")
    assert not (tmp_path / "empty.png").exists()


def test_a_series_read_from_the_database_keeps_its_blank(data_dir):
    from ingest.read import bodies, figure_series
    from ingest.run import ingest_paths
    from ingest.database import open_db
    from tests.conftest import SAMPLE

    ingest_paths([SAMPLE], data_dir)
    db = open_db(data_dir)
    try:
        [body] = bodies(db)
        rows = figure_series(db, 3, "administrative_query", "legal_services", body_id=body.id)
    finally:
        db.close()
    assert [(r["report"]["year"], r["value"], r["unit"], r["raw"]) for r in rows] == [(2020, None, "件", "")]
    assert rows[0]["row_path"].endswith("8.属于行政查询事项") and rows[0]["column_label"] == "法律服务机构"
    [line] = series_figure({"rows": rows}).axes[0].get_lines()
    assert math.isnan(line.get_ydata()[0])


def test_make_chart_draws_both_readme_charts(tmp_path):
    from bench.chart_example import build

    paths = build(tmp_path)
    assert [p.name for p in paths] == ["chart-example.png", "chart-bodies.png"]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG"


def test_reportbot_chart_draws_the_series_a_question_asks_for(data_dir, tmp_path):
    from click.testing import CliRunner

    from bot.cli import cli
    from index.passages import ingest_and_index
    from tests.conftest import SAMPLE

    ingest_and_index([SAMPLE], data_dir)
    out = tmp_path / "new folder" / "chart.png"  # made, as export makes its folder: no traceback
    result = CliRunner().invoke(cli, ["chart", "城中区历年收到的申请", "-o", str(out), "--data", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = CliRunner().invoke(cli, ["chart", "城中区怎么公开信息", "-o", str(tmp_path / "no.png"), "--data", str(data_dir)])
    assert result.exit_code == 1 and "not a series" in result.output
    assert not (tmp_path / "no.png").exists()
