"""Pure chart functions: released results -> Plotly figure dicts with one theme, plus the data table
shown under every chart. They only ever receive what disclosure released, so chart data cannot
carry more than the page does. Palette: Okabe-Ito (colour-blind safe)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..chart_theme import COMPARATOR_COLOURS, GRID, OKABE_ITO, themed
from .disclosure import ReleasedShare, ReleasedStat, group_phrase

QUANTILES = (("p10", 10), ("p25", 25), ("p50", 50), ("p75", 75), ("p90", 90))


@dataclass
class Chart:
    """A figure and its accessible data table; `empty` explains why nothing is drawn."""

    id: str
    title: str
    figure: dict[str, Any] | None
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str | None = None
    note: str = ""


def fmt(value: float | None) -> str:
    """Numbers in tables: thousands separators, two significant decimals for small values."""
    if value is None:
        return "\u2014"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def direction_text(higher_is_better: bool) -> str:
    return "higher is better" if higher_is_better else "lower is better"


def _layout(title: str, kpi: Any, x_title: str, y_title: str | None = None) -> dict[str, Any]:
    """The one theme every benchmark chart uses; the title always names unit and direction."""
    return themed({
        "title": {"text": f"{title}<br><sup>{kpi.unit}, {direction_text(kpi.higher_is_better)}</sup>",
                  "font": {"size": 15}},
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "legend": {"orientation": "h", "y": -0.22, "x": 0},
        "showlegend": True,
        "xaxis": {"title": {"text": x_title}, "gridcolor": GRID},
        "yaxis": {"title": {"text": y_title or kpi.unit}, "gridcolor": GRID, "zeroline": False},
        "hovermode": "x unified",
    })


def _comparator_note(comparators: Sequence[Any]) -> str:
    return "; ".join(f"{c.label}: {c.source}" + (" (illustrative)" if c.illustrative else "") for c in comparators)


BAND_ORDER = ("bottom quarter", "second quarter", "third quarter", "top quarter")


def band_position(band: str, higher_is_better: bool) -> float:
    """The middle of a quartile band on the percentile axis (values ascending): 12.5, 37.5, 62.5 or 87.5.

    A governor's supplier is drawn in its band, never at its exact place on the curve (rule 7)."""
    better = BAND_ORDER.index(band)
    return 12.5 + 25 * (better if higher_is_better else 3 - better)


def distribution_chart(kpi: Any, stat: ReleasedStat, comparators: Sequence[Any], own_value: float | None,
                       points: Sequence[tuple[str, float, str | None]] = (), chart_id: str = "distribution") -> Chart:
    """Tail distribution as a quantile curve (P10..P90 as released), comparators beside it, own value marked;
    `points` (name, value, quartile band) are a governor's consenting suppliers, drawn in their bands."""
    released = [(pct, stat.stats[k]) for k, pct in QUANTILES if k in stat.stats]
    title = f"{kpi.name}: where {group_phrase(stat.group_key or 'all')} stands"
    if len(released) < 2:
        return Chart(chart_id, title, None, empty=stat.reason or "Too few released statistics to draw a curve.")
    traces = [{"type": "scatter", "mode": "lines+markers", "name": "Peers (released quantiles)",
               "x": [p for p, _ in released], "y": [v for _, v in released],
               "line": {"color": OKABE_ITO["blue"], "width": 3}}]
    for colour, comp in zip(COMPARATOR_COLOURS, comparators, strict=False):
        known = [(pct, comp.quantiles[k]) for k, pct in QUANTILES if k in comp.quantiles]
        if known:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": comp.label,
                           "x": [p for p, _ in known], "y": [v for _, v in known],
                           "line": {"color": colour, "dash": "dash"}})
    if own_value is not None:
        traces.append({"type": "scatter", "mode": "lines", "name": "My value", "x": [10, 90],
                       "y": [own_value, own_value], "line": {"color": OKABE_ITO["vermillion"], "width": 2, "dash": "dot"}})
    placed = [(name, value, band) for name, value, band in points if band is not None]
    if placed:
        traces.append({"type": "scatter", "mode": "markers", "name": "My consenting suppliers (quartile band)",
                       "x": [band_position(band, kpi.higher_is_better) for _, _, band in placed],
                       "y": [value for _, value, _ in placed], "text": [f"{name}, {band}" for name, _, band in placed],
                       "hovertemplate": "%{text}: %{y}<extra></extra>",
                       "marker": {"size": 11, "symbol": "diamond", "color": OKABE_ITO["vermillion"],
                                  "line": {"width": 1, "color": "#333"}}})
    layout = _layout(title, kpi, "Percentile of peers (P10 to P90)")
    layout["xaxis"].update({"tickvals": [10, 25, 50, 75, 90], "range": [5, 95]})
    columns = ["Statistic", "Peers"] + [c.label for c in comparators]
    rows = [[k.upper(), fmt(stat.stats.get(k)) if k in stat.stats else "suppressed"]
            + [fmt(c.quantiles.get(k)) for c in comparators] for k, _ in QUANTILES]
    if own_value is not None:
        rows.append(["My value", fmt(own_value)] + ["" for _ in comparators])
    rows += [[name, f"{fmt(value)} ({band or 'no band: quartiles withheld'})"] + ["" for _ in comparators]
             for name, value, band in points]
    return Chart(chart_id, title, {"data": traces, "layout": layout}, columns, rows, note=_comparator_note(comparators))


def cert_share_chart(shares: Sequence[ReleasedShare], own_standards: set[str], show_own: bool = True,
                     chart_id: str = "certificates") -> Chart:
    """Share of peers holding each standard (released ones only), split by whether the viewer holds it."""
    title = "Certificates held by peers"
    released = [s for s in shares if s.share is not None and (s.share > 0 or s.standard in own_standards)]
    if not released:
        reason = next((s.reason for s in shares if s.reason), None)
        return Chart(chart_id, title, None, empty=reason or "No peer in this group held a valid certificate at the "
                     "end of this month.")
    traces = []
    groups = ((True, "Standards I hold", OKABE_ITO["green"]), (False, "Standards I do not hold", OKABE_ITO["sky"]))
    for held, name, colour in groups if show_own else ((None, "Share of peers", OKABE_ITO["sky"]),):
        chosen = [s for s in released if held is None or (s.standard in own_standards) == held]
        if chosen:
            traces.append({"type": "bar", "orientation": "h", "name": name, "y": [s.standard for s in chosen],
                           "x": [round(s.share * 100, 1) for s in chosen], "marker": {"color": colour}})
    layout = themed({"title": {"text": f"{title}<br><sup>% of firms with a valid certificate, higher is better</sup>"},
                     "margin": {"l": 140, "r": 20, "t": 70, "b": 50}, "showlegend": True,
                     "legend": {"orientation": "h", "y": -0.25},
                     "xaxis": {"title": {"text": "% of peers"}, "range": [0, 100]},
                     "yaxis": {"automargin": True}, "barmode": "group"})
    rows = [[s.standard, f"{s.share * 100:.0f}%" if s.share is not None else (s.reason or "suppressed"), str(s.n)]
            + (["yes" if s.standard in own_standards else "no"] if show_own else []) for s in shares]
    columns = ["Standard", "Peers holding it", "Firms"] + (["I hold it"] if show_own else [])
    return Chart(chart_id, title, {"data": traces, "layout": layout}, columns, rows)


def sparkline_points(values: Sequence[float | None], width: int = 140, height: int = 36,
                     bounds: tuple[float, float] | None = None) -> str:
    """SVG polyline points for a small trend line; gaps are skipped. Empty string when < 2 values."""
    present = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(present) < 2:
        return ""
    low, high = bounds or (min(v for _, v in present), max(v for _, v in present))
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in present)


def sparkline_pair(own: Sequence[float | None], median: Sequence[float | None]) -> tuple[str, str]:
    """Own values and the released peer median on one shared scale, as two SVG point lists."""
    present = [v for v in (*own, *median) if v is not None]
    if not present:
        return "", ""
    bounds = (min(present), max(present))
    return sparkline_points(own, bounds=bounds), sparkline_points(median, bounds=bounds)
