"""JSON for people and scripts: floats rounded to 10 significant digits (94.2, never 94.19999999999999)."""
from __future__ import annotations

import json
import math
from typing import Any

SIGNIFICANT_DIGITS = 10


def tidy(value: Any) -> Any:
    """The same structure with every finite float rounded to SIGNIFICANT_DIGITS significant digits."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: tidy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [tidy(v) for v in value]
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps of the tidied value."""
    return json.dumps(tidy(value), **kwargs)
