"""A governor's consenting suppliers placed on the club distribution, in quartile bands (rule 7)."""
from __future__ import annotations

from dataclasses import dataclass

from ...models import Club, Firm, KpiDefinition
from ...permissions import consented_kpis_by_supplier
from .. import queries
from ..disclosure import ReleasedStat, Viewer, quartile_band


@dataclass
class SupplierPoint:
    """A consenting supplier placed on the club distribution (identified: it consented), in a quartile band."""

    firm: Firm
    value: float
    band: str | None  # disclosure.quartile_band: never an exact rank (rule 7)


def governor_supplier_points(viewer: Viewer, governor_user, club: Club, month: str, group: str,
                             kpi: KpiDefinition, stat: ReleasedStat) -> list[SupplierPoint]:
    """The governor's consenting suppliers that share this KPI, with their frozen values and quartile bands.

    A band is read off the quartiles released to this governor (none when they are withheld); exact
    percentile ranks are never read here, since they count the firms the governor does not know.
    """
    snapshot = queries.current_snapshot(club, month)
    if snapshot is None or not viewer.known_firm_ids:
        return []
    rows = queries.known_firm_values(snapshot.id, kpi.code, viewer.known_firm_ids)
    shared = consented_kpis_by_supplier(governor_user.firm)
    points = []
    for value, firm in rows:
        codes = shared.get(firm.id, set())
        if codes is not None and kpi.code not in codes:
            continue  # the supplier shares other KPIs only
        points.append(SupplierPoint(firm, value, quartile_band(value, stat, kpi.higher_is_better)))
    return points
