"""Machine-readable shapes of released benchmarks: the CLI's JSON, and the CSV/JSON downloads.

They serialise `ReleasedStat` objects only, so a download never holds more than the page."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from ..csvsafe import neutralise_row
from .disclosure import ReleasedStat
from .queries import ComparatorQuantiles

STAT_ORDER = ("p10", "p25", "p50", "p75", "p90", "mean")


def release_json(kpi_code: str, month: str, group: str, stat: ReleasedStat,
                 comparators: Sequence[ComparatorQuantiles], *, firm_view: bool) -> dict[str, Any]:
    """Exactly {"kpi","period","group","n","suppressed","stats","firm","international"} (issue 3)."""
    return {
        "kpi": kpi_code,
        "period": month,
        "group": group,
        "n": stat.n,
        "suppressed": stat.suppressed_list(),
        "stats": {k: stat.stats[k] for k in STAT_ORDER if k in stat.stats},
        "firm": {"value": stat.firm_value, "percentile_rank": stat.percentile_rank} if firm_view else None,
        "international": [c.as_dict() for c in comparators],
    }


CSV_HEADER = ["period", "group", "kpi", "unit", "direction", "n", "p10", "p25", "p50", "p75", "p90", "mean",
              "suppressed", "my_value", "better_than_pct", "comparator", "comparator_year", "comparator_source",
              "comparator_p50", "comparator_best_quartile"]


def dashboard_csv(board: Any) -> str:
    """The member/governor dashboard as CSV; suppressed cells are empty and the reasons listed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in board.rows:
        stat, comp = row.stat, row.comparator
        reasons = "; ".join(sorted({r for r in stat.suppressed.values()}))
        writer.writerow(neutralise_row([board.month, board.group, row.kpi.code, row.kpi.unit, row.kpi.direction.value, stat.n]
                        + [stat.stats.get(k, "") for k in STAT_ORDER]
                        + [reasons, "" if stat.firm_value is None else stat.firm_value,
                           "" if stat.percentile_rank is None else stat.percentile_rank,
                           comp.name if comp else "", comp.year if comp else "", comp.source if comp else "",
                           "" if row.intl_median is None else row.intl_median,
                           "" if row.intl_best is None else row.intl_best]))
    return out.getvalue()


def dashboard_json(board: Any, comparators: dict[str, list[ComparatorQuantiles]], *, firm_view: bool) -> dict:
    """The dashboard as JSON: one release_json object per KPI."""
    return {"period": board.month, "group": board.group,
            "kpis": [release_json(r.kpi.code, board.month, board.group, r.stat, comparators.get(r.kpi.code, []),
                                  firm_view=firm_view) for r in board.rows]}
