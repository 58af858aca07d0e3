"""Pure chart functions: released results -> Plotly figure dicts with one theme, plus the data table
shown under every chart. They only ever receive what disclosure released, so chart data cannot
carry more than the page does. Palette: Okabe-Ito (colour-blind safe)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .disclosure import ReleasedShare, ReleasedStat

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000"}
COMPARATOR_COLOURS = ("#E69F00", "#CC79A7", "#009E73", "#56B4E9")
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
    return {
        "title": {"text": f"{title}<br><sup>{kpi.unit}, {direction_text(kpi.higher_is_better)}</sup>",
                  "font": {"size": 15}},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "legend": {"orientation": "h", "y": -0.22, "x": 0},
        "showlegend": True,
        "xaxis": {"title": {"text": x_title}, "gridcolor": "#e5e5e5"},
        "yaxis": {"title": {"text": y_title or kpi.unit}, "gridcolor": "#e5e5e5", "zeroline": False},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "hovermode": "x unified",
    }


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
    title = f"{kpi.name}: where the club stands"
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


def histogram_chart(kpi: Any, stat: ReleasedStat, own_value: float | None, chart_id: str = "histogram") -> Chart:
    """Firms per fixed band (rule 4: no band of 1 or 2 firms), with the viewer's own band highlighted."""
    title = f"{kpi.name}: firms per band"
    if not stat.histogram:
        return Chart(chart_id, title, None, empty=stat.histogram_note or "No histogram for this group.")
    labels = [f"{fmt(b['lo'])} to {fmt(b['hi'])}" for b in stat.histogram]
    last = len(stat.histogram) - 1

    def mine(i: int, b: dict) -> bool:
        return own_value is not None and (b["lo"] <= own_value < b["hi"] or (i == last and own_value == b["hi"]))

    own_flags = [mine(i, b) for i, b in enumerate(stat.histogram)]
    traces = [{"type": "bar", "name": "Firms in band", "x": labels,
               "y": [b["count"] if not f else 0 for b, f in zip(stat.histogram, own_flags, strict=True)],
               "marker": {"color": OKABE_ITO["sky"]}}]
    if any(own_flags):
        traces.append({"type": "bar", "name": "Firms in my band", "x": labels,
                       "y": [b["count"] if f else 0 for b, f in zip(stat.histogram, own_flags, strict=True)],
                       "marker": {"color": OKABE_ITO["vermillion"]}})
    layout = _layout(title, kpi, f"Band ({kpi.unit})", "Firms")
    layout["barmode"] = "stack"
    rows = [[label, str(b["count"]), "yes" if f else ""] for label, b, f in zip(labels, stat.histogram, own_flags,
                                                                               strict=True)]
    return Chart(chart_id, title, {"data": traces, "layout": layout}, ["Band", "Firms", "My band"], rows)


def _band(months: list[str], upper: list, lower: list, name: str, colour: str) -> list[dict[str, Any]]:
    return [
        {"type": "scatter", "mode": "lines", "x": months, "y": upper, "line": {"width": 0}, "showlegend": False,
         "hoverinfo": "skip", "name": name},
        {"type": "scatter", "mode": "lines", "x": months, "y": lower, "fill": "tonexty", "fillcolor": colour,
         "line": {"width": 0}, "name": name},
    ]


def tail_over_time_chart(kpi: Any, history: Sequence[tuple[str, ReleasedStat]], comparators: Sequence[Any],
                         chart_id: str = "tail-over-time") -> Chart:
    """P10-P90 and P25-P75 bands and the median by month, the viewer's own line, the comparator median."""
    title = f"{kpi.name}: tail over time"
    months = [m for m, s in history if "p50" in s.stats]
    if not months:
        return Chart(chart_id, title, None, empty="No published month has a released median for this group yet.")
    by_month = dict(history)

    def series(key: str) -> list[float | None]:
        return [by_month[m].stats.get(key) for m in months]

    traces = []
    if any(v is not None for v in series("p10")):
        traces += _band(months, series("p90"), series("p10"), "P10 to P90", "rgba(86,180,233,0.25)")
    traces += _band(months, series("p75"), series("p25"), "P25 to P75", "rgba(0,114,178,0.35)")
    traces.append({"type": "scatter", "mode": "lines+markers", "name": "Median", "x": months, "y": series("p50"),
                   "line": {"color": OKABE_ITO["blue"], "width": 3}})
    own = [by_month[m].firm_value for m in months]
    if any(v is not None for v in own):
        traces.append({"type": "scatter", "mode": "lines+markers", "name": "My value", "x": months, "y": own,
                       "line": {"color": OKABE_ITO["vermillion"], "width": 2}})
    comp = next((c for c in comparators if "p50" in c.quantiles), None)
    if comp is not None:
        traces.append({"type": "scatter", "mode": "lines", "name": f"{comp.label} median", "x": [months[0], months[-1]],
                       "y": [comp.quantiles["p50"]] * 2, "line": {"color": OKABE_ITO["orange"], "dash": "dash"}})
    layout = _layout(title, kpi, "Month")
    layout["xaxis"]["type"] = "category"
    rows = [[m] + [fmt(by_month[m].stats.get(k)) for k, _ in QUANTILES] + [fmt(by_month[m].firm_value)] for m in months]
    columns = ["Month", "P10", "P25", "Median", "P75", "P90", "My value"]
    return Chart(chart_id, title, {"data": traces, "layout": layout}, columns, rows,
                 note=_comparator_note([comp]) if comp else "")


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
    layout = {"title": {"text": f"{title}<br><sup>% of firms with a valid certificate, higher is better</sup>"},
              "margin": {"l": 140, "r": 20, "t": 70, "b": 50}, "showlegend": True,
              "legend": {"orientation": "h", "y": -0.25}, "xaxis": {"title": {"text": "% of peers"}, "range": [0, 100]},
              "yaxis": {"automargin": True}, "plot_bgcolor": "#ffffff", "barmode": "group"}
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
