"""Pure chart builders for the ladder pages: data in, a Plotly figure dict out (no database)."""
from __future__ import annotations

from typing import Any

from ..chart_theme import NEUTRAL, OKABE_ITO, STAGE_COLOURS, themed


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout = themed({"title": {"text": title, "x": 0, "y": 0.98, "yanchor": "top", "font": {"size": 14}},
                     "margin": {"l": 48, "r": 16, "t": 64, "b": 56},
                     "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"}})
    layout.update(extra)
    return layout


def stages_over_time(months: list[str], counts: dict[int, list[int]], names: dict[int, str]) -> dict[str, Any]:
    """Stacked bars: suppliers per stage, month by month."""
    data = [{"type": "bar", "name": f"{n} {names[n]}", "x": months, "y": counts[n],
             "marker": {"color": STAGE_COLOURS.get(n, NEUTRAL)},
             "hovertemplate": "%{x}: %{y} suppliers<extra>" + f"{n} {names[n]}" + "</extra>"}
            for n in sorted(counts)]
    yaxis: dict[str, Any] = {"title": {"text": "suppliers"}, "rangemode": "tozero"}
    if sum(c[-1] for c in counts.values()) < 10:
        yaxis["dtick"] = 1
    return {"data": data, "layout": _layout("Suppliers per stage, month by month", barmode="stack", yaxis=yaxis,
                                            xaxis={"type": "category", "tickangle": -45})}


def movements_sankey(matrix: list[list[int]], names: dict[int, str], start: str, end: str) -> dict[str, Any]:
    """Sankey of stage movements between two months (each link: suppliers moving from one stage to another)."""
    top = len(matrix)
    labels = [f"{n} {names.get(n, '')} ({start})" for n in range(1, top + 1)] + \
             [f"{n} {names.get(n, '')} ({end})" for n in range(1, top + 1)]
    source, target, value = [], [], []
    for i in range(top):
        for j in range(top):
            if matrix[i][j]:
                source.append(i)
                target.append(top + j)
                value.append(matrix[i][j])
    colours = [STAGE_COLOURS.get(n, NEUTRAL) for n in range(1, top + 1)] * 2
    data = [{"type": "sankey", "arrangement": "snap",
             "node": {"label": labels, "color": colours, "pad": 14, "thickness": 14},
             "link": {"source": source, "target": target, "value": value, "color": "rgba(61,139,253,0.25)"}}]
    return {"data": data, "layout": _layout(f"Stage movements {start} to {end}")}


def kpi_trend(name: str, unit: str, months: list[str], own: list[float | None] | None,
              measured: list[float | None] | None, target: float | None,
              peers: list[tuple[float | None, float | None, float | None]] | None = None) -> dict[str, Any]:
    """A KPI month by month: self-reported against governor-measured, with the governor's target and, where
    released to this governor, the club's P25-P75 band and median (`peers`: (p25, p50, p75) per month)."""
    data = []
    own = own if own and any(v is not None for v in own) else None
    measured = measured if measured and any(v is not None for v in measured) else None
    if peers and any(p[1] is not None for p in peers):
        data.append({"type": "scatter", "mode": "lines", "x": months, "y": [p[2] for p in peers],
                     "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip", "name": "Club P25 to P75"})
        data.append({"type": "scatter", "mode": "lines", "x": months, "y": [p[0] for p in peers], "fill": "tonexty",
                     "fillcolor": "rgba(120,120,120,0.18)", "line": {"width": 0}, "name": "Club P25 to P75"})
        data.append({"type": "scatter", "mode": "lines", "name": "Club median", "x": months,
                     "y": [p[1] for p in peers], "line": {"color": "#555555", "dash": "dash", "width": 1.5}})
    if own is not None:
        data.append({"type": "scatter", "mode": "lines+markers", "name": "Self-reported", "x": months, "y": own,
                     "line": {"color": OKABE_ITO["blue"]}, "connectgaps": False})
    if measured is not None:
        data.append({"type": "scatter", "mode": "lines+markers", "name": "Measured by you", "x": months,
                     "y": measured, "line": {"color": OKABE_ITO["vermillion"], "dash": "dot"}, "connectgaps": False})
    if target is not None:
        data.append({"type": "scatter", "mode": "lines", "name": "Target", "x": [months[0], months[-1]],
                     "y": [target, target], "line": {"color": OKABE_ITO["green"], "dash": "dash"}})
    yaxis: dict[str, Any] = {"title": {"text": unit}}
    if unit == "parts per million":  # spans orders of magnitude: a linear axis flattens the recent months
        yaxis.update({"type": "log", "dtick": 1})
    return {"data": data, "layout": _layout(name, yaxis=yaxis,
                                            xaxis={"type": "category", "tickangle": -45, "nticks": 12})}
