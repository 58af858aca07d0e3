"""The one chart theme every feature draws with: Okabe-Ito colours (told apart with any common colour-vision
deficiency), one font, a white ground and light grid lines. Pure data, no Plotly import."""
from __future__ import annotations

from typing import Any

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000"}
NEUTRAL = "#999999"  # "everyone else": the grey that stays grey for every reader
COMPARATOR_COLOURS = (OKABE_ITO["orange"], OKABE_ITO["purple"], OKABE_ITO["green"], OKABE_ITO["sky"])
#: ladder stages 1-4, from the first step to the top of the ladder
STAGE_COLOURS = {1: OKABE_ITO["sky"], 2: OKABE_ITO["blue"], 3: OKABE_ITO["orange"], 4: OKABE_ITO["green"]}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}
GRID = "#e5e5e5"
BACKGROUND = "#ffffff"


def themed(layout: dict[str, Any]) -> dict[str, Any]:
    """A Plotly layout with the house font and ground; the chart's own keys win."""
    return {"font": FONT, "plot_bgcolor": BACKGROUND, "paper_bgcolor": BACKGROUND, **layout}
