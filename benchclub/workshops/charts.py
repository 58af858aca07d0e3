"""Pure chart functions: workshop impact -> Plotly figure dict (medians only, never peer points)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from ..chart_theme import NEUTRAL, OKABE_ITO, themed
from ..models import KpiDefinition
from .queries import ImpactView, PublicHorizon

ATTENDING = OKABE_ITO["green"]
OTHER = NEUTRAL


def impact_figure(kpi: KpiDefinition, base_month: str,
                  bars: Sequence[tuple[str, float, float]]) -> dict[str, Any] | None:
    """Grouped bars per horizon: (label, median change attending, median change others); None if empty."""
    if not bars:
        return None
    labels = [b[0] for b in bars]
    fig = go.Figure()
    fig.add_bar(name="Attending firms", x=labels, y=[b[1] for b in bars], marker_color=ATTENDING,
                hovertemplate="%{y:.2f} " + kpi.unit + "<extra>attending</extra>")
    fig.add_bar(name="Other firms", x=labels, y=[b[2] for b in bars], marker_color=OTHER,
                hovertemplate="%{y:.2f} " + kpi.unit + "<extra>not attending</extra>")
    better = "higher" if kpi.higher_is_better else "lower"
    fig.update_layout(themed({
        "title": {"text": f"Median change in {kpi.name} since {base_month}"},
        "barmode": "group", "template": "plotly_white", "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
        "yaxis": {"title": {"text": f"change ({kpi.unit}; {better} is better)"}, "zeroline": True},
        "legend": {"orientation": "h", "y": -0.2},
    }))
    return fig.to_plotly_json()


def facilitator_impact_figure(view: ImpactView) -> dict[str, Any] | None:
    """Every computable horizon, released to members or not (the facilitator sees identified data)."""
    bars = [(f"+{h.months} months ({h.month})", h.median_change_attending, h.median_change_other)
            for h in view.horizons if h.available and h.difference is not None]
    return impact_figure(view.kpi, view.base_month, bars)


def member_impact_figure(kpi: KpiDefinition, base_month: str, rows: Sequence[PublicHorizon]) -> dict[str, Any] | None:
    """Only horizons released under DOMAIN §5, from the released medians."""
    bars = [(f"+{r.months} months ({r.month})", r.release.median_a, r.release.median_b)
            for r in rows if r.release is not None and r.release.released]
    return impact_figure(kpi, base_month, bars)
