"""The default KPI catalogue, loaded from seeds/kpi_catalogue.json."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "seeds" / "kpi_catalogue.json"


@lru_cache(maxsize=1)
def default_catalogue() -> tuple[dict[str, Any], ...]:
    """The DOMAIN §3 KPIs as dictionaries, in catalogue order."""
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        return tuple(json.load(fh)["kpis"])
