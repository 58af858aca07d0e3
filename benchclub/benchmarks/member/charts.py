"""The KPI page's charts, redrawn to answer 'where am I?': the firm's own value as a point on the released
quantile curve, the better direction on the chart, the comparator in another colour and line style, a log
axis for KPIs spanning orders of magnitude, a histogram trimmed to the bands in use, and month axes that
fit a narrow column. Pure functions over released results only; one colour-blind-safe theme (Okabe-Ito)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ...templating import fmt_number  # the same precision as the numbers on the page
from ..charts import OKABE_ITO, QUANTILES, Chart, _comparator_note, fmt
from ..disclosure import ReleasedStat
from .position import tail_share_band, uses_log_scale

PEER = OKABE_ITO["blue"]
OWN = OKABE_ITO["vermillion"]
COMPARATOR = "#555555"  # dark grey, dashed, open squares: never mistaken for the firm's own vermillion point
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def position_on_curve(value: float, curve: Sequence[tuple[float, float]]) -> float:
    """Where the member's own value sits on the released quantile curve (percentile axis), by linear interpolation;
    values beyond the outermost released quantile are drawn just outside it."""
    (first_pct, first_val), (last_pct, last_val) = curve[0], curve[-1]
    if value < first_val:
        return first_pct - 3
    if value > last_val:
        return last_pct + 3
    for (p0, v0), (p1, v1) in zip(curve, curve[1:], strict=False):
        if v0 <= value <= v1:
            return p0 if v1 == v0 else p0 + (p1 - p0) * (value - v0) / (v1 - v0)
    return 50.0  # pragma: no cover - a released curve is monotone, so one segment holds the value



def theme(kpi: Any, x_title: str | None, y_title: str | None = None, log: bool = False) -> dict[str, Any]:
    """One layout for every member chart: no in-plot title (the card names it), legend above the plot so
    it never meets the axis titles, automargins so tick labels are not clipped in narrow columns."""
    return {
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 56, "r": 12, "t": 48, "b": 48},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "showlegend": True,
        "xaxis": {"title": {"text": x_title or ""}, "gridcolor": "#e5e5e5", "automargin": True},
        "yaxis": {"title": {"text": y_title or kpi.unit}, "gridcolor": "#e5e5e5", "zeroline": False,
                  "automargin": True, **({"type": "log", "dtick": 1} if log else {})},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "hovermode": "closest",
    }


SHORT_UNITS = {"parts per million": "ppm", "turns per year": "turns/yr", "hours per employee": "h/employee"}


def better_axis_title(kpi: Any, text: str | None = None) -> str:
    """A short value-axis title with the better direction: '% of order lines · ▲ better' fits a narrow chart."""
    arrow = "\u25b2 better" if kpi.higher_is_better else "\u25bc better"
    unit = text or SHORT_UNITS.get(kpi.unit, kpi.unit)
    return f"{unit} \u00b7 {arrow}"


def _log_ok(kpi: Any, values: Sequence[float | None]) -> bool:
    """A log axis only for KPIs that span orders of magnitude and only when every plotted value is positive."""
    present = [v for v in values if v is not None]
    return uses_log_scale(kpi) and bool(present) and min(present) > 0


def _comparator_traces(comparators: Sequence[Any]) -> list[dict[str, Any]]:
    traces = []
    for dash, comp in zip(("dash", "dot", "dashdot"), comparators, strict=False):
        known = [(pct, comp.quantiles[k]) for k, pct in QUANTILES if comp.quantiles.get(k) is not None]
        if known:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": "International comparator",
                           "x": [p for p, _ in known], "y": [v for _, v in known],
                           "line": {"color": COMPARATOR, "dash": dash, "width": 2},
                           "marker": {"symbol": "square-open", "size": 8, "color": COMPARATOR}})
    return traces


def member_distribution_chart(kpi: Any, stat: ReleasedStat, comparators: Sequence[Any],
                              chart_id: str = "distribution") -> Chart:
    """Released P10..P90 as a curve, the comparators beside it, the viewer's own value as a point on the curve."""
    released = [(pct, stat.stats[k]) for k, pct in QUANTILES if k in stat.stats]
    own = stat.firm_value
    title = f"{kpi.name}: where you stand among peers" if own is not None else f"{kpi.name}: the peers' distribution"
    if len(released) < 2:
        return Chart(chart_id, title, None, empty=stat.reason or "Too few released statistics to draw a curve.")
    comparator_values = [comp.quantiles.get(k) for comp in comparators for k, _ in QUANTILES]
    log = _log_ok(kpi, [v for _, v in released] + comparator_values + [own])
    traces = [{"type": "scatter", "mode": "lines+markers", "name": "Peers (released quantiles)",
               "x": [p for p, _ in released], "y": [v for _, v in released],
               "line": {"color": PEER, "width": 3}, "marker": {"size": 7, "color": PEER}}]
    traces += _comparator_traces(comparators)
    annotations = []
    if own is not None:
        x = position_on_curve(own, released)
        rank = f", better than {stat.percentile_rank}% of peers" if stat.percentile_rank is not None else ""
        traces.append({"type": "scatter", "mode": "markers", "name": "You", "x": [x], "y": [own],
                       "hovertemplate": f"You: {fmt_number(own)}{rank}<extra></extra>",
                       "marker": {"size": 16, "symbol": "circle", "color": OWN, "line": {"width": 2, "color": "#1a1a1a"}}})
        annotations.append({"x": x, "y": math.log10(own) if log and own > 0 else own, "text": f"<b>You: {fmt_number(own)}</b>", "showarrow": True, "arrowhead": 2,
                            "ax": 0, "ay": -34 if kpi.higher_is_better else 34, "font": {"color": "#1a1a1a"},
                            "bgcolor": "rgba(255,255,255,0.9)", "bordercolor": OWN,
                            "yref": "y", "xref": "x"})
    layout = theme(kpi, "Percentile of peers (low to high value)", better_axis_title(kpi), log=log)
    layout["xaxis"].update({"tickvals": [10, 25, 50, 75, 90], "ticktext": ["P10", "P25", "P50", "P75", "P90"],
                            "range": [4, 96]})
    layout["annotations"] = annotations
    columns = ["Statistic", "Peers"] + [c.label for c in comparators]
    rows = [[k.upper(), fmt(stat.stats.get(k)) if k in stat.stats else "suppressed"]
            + [fmt(c.quantiles.get(k)) for c in comparators] for k, _ in QUANTILES]
    if own is not None:
        rows.append(["You", fmt(own)] + ["" for _ in comparators])
    return Chart(chart_id, title, {"data": traces, "layout": layout}, columns, rows, note=_comparator_note(comparators))


def compact(value: float) -> str:
    """Short tick labels: 2,500 -> '2.5k', 1,000,000 -> '1M'."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:g}"


def _trim(bins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop empty bands at either end (they carry no firm, so dropping them reveals nothing new)."""
    used = [i for i, b in enumerate(bins) if b["count"]]
    return bins[used[0]:used[-1] + 1] if used else []


def member_histogram_chart(kpi: Any, stat: ReleasedStat, own_value: float | None,
                           chart_id: str = "histogram") -> Chart:
    """Firms per fixed band (rule 4), trimmed to the bands in use, short labels, the viewer's band marked."""
    title = f"{kpi.name}: firms per band"
    bins = _trim(list(stat.histogram or []))
    if not bins:
        return Chart(chart_id, title, None, empty=stat.histogram_note or "No histogram for this group.")
    labels = [f"{compact(b['lo'])}\u2013{compact(b['hi'])}" for b in bins]
    last = len(bins) - 1
    own_flags = [own_value is not None and (b["lo"] <= own_value < b["hi"] or (i == last and own_value == b["hi"]))
                 for i, b in enumerate(bins)]
    colours = [OWN if f else OKABE_ITO["sky"] for f in own_flags]
    traces = [{"type": "bar", "name": "Firms per band", "x": labels, "y": [b["count"] for b in bins],
               "marker": {"color": colours, "line": {"color": ["#1a1a1a" if f else "rgba(0,0,0,0)" for f in own_flags],
                                                     "width": 2}},
               "text": ["you" if f else "" for f in own_flags], "textposition": "outside",
               "hovertemplate": "%{x}: %{y} firms<extra></extra>", "showlegend": False}]
    short = SHORT_UNITS.get(kpi.unit, kpi.unit)
    arrow = "\u25b6" if kpi.higher_is_better else "\u25c0"
    layout = theme(kpi, f"{short} \u00b7 {arrow} better", "Firms")
    layout["xaxis"].update({"type": "category", "tickangle": 0})
    layout["yaxis"]["rangemode"] = "tozero"
    layout["margin"]["t"] = 20
    rows = [[label, str(b["count"]), "yes" if f else ""] for label, b, f in zip(labels, bins, own_flags, strict=True)]
    return Chart(chart_id, title, {"data": traces, "layout": layout}, ["Band", "Firms", "Your band"], rows,
                 note="")


def _band(x: list[str], upper: list, lower: list, name: str, colour: str) -> list[dict[str, Any]]:
    return [
        {"type": "scatter", "mode": "lines", "x": x, "y": upper, "line": {"width": 0}, "showlegend": False,
         "hoverinfo": "skip", "name": name},
        {"type": "scatter", "mode": "lines", "x": x, "y": lower, "fill": "tonexty", "fillcolor": colour,
         "line": {"width": 0}, "name": name, "hoverinfo": "skip"},
    ]


def member_tail_over_time_chart(kpi: Any, history: Sequence[tuple[str, ReleasedStat]], comparators: Sequence[Any],
                                chart_id: str = "tail-over-time", show_own: bool = True) -> Chart:
    """P10-P90 and P25-P75 bands and the median by month on a date axis (ticks every quarter, never
    clipped), the viewer's own line, the comparator median; a log axis for ppm-like KPIs."""
    title = f"{kpi.name}: tail over time"
    months = [m for m, s in history if "p50" in s.stats]
    if not months:
        return Chart(chart_id, title, None, empty="No published month has a released median for this group yet.")
    by_month = dict(history)
    x = [f"{m}-01" for m in months]

    def series(key: str) -> list[float | None]:
        return [by_month[m].stats.get(key) for m in months]

    traces: list[dict[str, Any]] = []
    if any(v is not None for v in series("p10")):
        traces += _band(x, series("p90"), series("p10"), "P10 to P90", "rgba(86,180,233,0.25)")
    traces += _band(x, series("p75"), series("p25"), "P25 to P75", "rgba(0,114,178,0.35)")
    traces.append({"type": "scatter", "mode": "lines", "name": "Peer median", "x": x, "y": series("p50"),
                   "line": {"color": PEER, "width": 3}})
    own = [by_month[m].firm_value for m in months]
    if show_own and any(v is not None for v in own):
        traces.append({"type": "scatter", "mode": "lines+markers", "name": "You", "x": x, "y": own,
                       "line": {"color": OWN, "width": 2}, "marker": {"size": 6, "color": OWN}})
    comp = next((c for c in comparators if c.quantiles.get("p50") is not None), None)
    if comp is not None:
        traces.append({"type": "scatter", "mode": "lines", "name": "International median", "x": [x[0], x[-1]],
                       "y": [comp.quantiles["p50"]] * 2, "line": {"color": COMPARATOR, "dash": "dash"}})
    values = [v for t in traces for v in t["y"] if v is not None]
    layout = theme(kpi, None, better_axis_title(kpi), log=_log_ok(kpi, values))
    layout["xaxis"].update({"type": "date", "tickformat": "%b\n%Y", "dtick": "M3" if len(months) <= 24 else "M6",
                            "hoverformat": "%b %Y"})
    layout["hovermode"] = "x unified"
    rows = [[m] + [fmt(by_month[m].stats.get(k)) for k, _ in QUANTILES] + ([fmt(by_month[m].firm_value)] if show_own
                                                                            else []) for m in months]
    columns = ["Month", "P10", "P25", "Median", "P75", "P90"] + (["You"] if show_own else [])
    return Chart(chart_id, title, {"data": traces, "layout": layout}, columns, rows,
                 note=_comparator_note([comp]) if comp else "")


def tail_share_text(kpi: Any, stat: ReleasedStat, comparators: Sequence[Any]) -> tuple[str, Any] | None:
    """DOMAIN §5 tail share against the international median, read off the released quantile curve as a band."""
    comp = next((c for c in comparators if c.quantiles.get("p50") is not None), None)
    if comp is None:
        return None
    band = tail_share_band(stat, comp.quantiles["p50"], kpi.higher_is_better)
    if band is None:
        return None
    low, high = band
    share = f"between {low}% and {high}%" if low != high else f"{low}%"
    if low == 0:
        share = f"fewer than {high}%"
    elif high == 100:
        share = f"more than {low}%"
    return share, comp
