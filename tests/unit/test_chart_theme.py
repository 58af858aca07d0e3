"""Every feature draws with the one colour-blind-safe theme."""
from __future__ import annotations

from types import SimpleNamespace

from benchclub.chart_theme import FONT, NEUTRAL, OKABE_ITO, STAGE_COLOURS
from benchclub.ladder import charts as ladder_charts
from benchclub.workshops import charts as workshop_charts

SAFE = set(OKABE_ITO.values()) | {NEUTRAL}


def test_ladder_charts_use_the_house_font_and_palette():
    fig = ladder_charts.stages_over_time(["2025-01"], {1: [2], 2: [1]}, {1: "Inspected", 2: "Self-certified"})
    assert fig["layout"]["font"] == FONT
    assert {t["marker"]["color"] for t in fig["data"]} == {STAGE_COLOURS[1], STAGE_COLOURS[2]} <= SAFE
    trend = ladder_charts.kpi_trend("OTD", "%", ["2025-01"], [97.0], [96.0], 95.0)
    assert {t["line"]["color"] for t in trend["data"]} <= SAFE


def test_workshop_impact_chart_uses_the_house_font_and_palette():
    kpi = SimpleNamespace(unit="%", name="On-time delivery", higher_is_better=True)
    fig = workshop_charts.impact_figure(kpi, "2025-01", [("+3 months (2025-04)", 1.5, 0.5)])
    assert fig["layout"]["font"]["family"] == FONT["family"]
    assert {t["marker"]["color"] for t in fig["data"]} <= SAFE
