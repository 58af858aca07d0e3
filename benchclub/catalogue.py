"""The KPI catalogue, one copy (DOMAIN §3): the default catalogue every new club starts with, loaded from
seeds/kpi_catalogue.json, and a club's own catalogue as stored."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .extensions import db
from .models import Club, KpiDefinition

CATALOGUE_PATH = Path(__file__).resolve().parents[1] / "seeds" / "kpi_catalogue.json"


@lru_cache(maxsize=1)
def default_catalogue() -> tuple[dict[str, Any], ...]:
    """The DOMAIN §3 KPIs as dictionaries, in catalogue order."""
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        return tuple(json.load(fh)["kpis"])


def find_kpi(club: Club | int, code: str, *, active_only: bool = True) -> KpiDefinition | None:
    """The KPI of the club's catalogue with this code, or None."""
    club_id = club if isinstance(club, int) else club.id
    query = sa.select(KpiDefinition).where(KpiDefinition.club_id == club_id, KpiDefinition.code == code)
    if active_only:
        query = query.where(KpiDefinition.active.is_(True))
    return db.session.scalar(query)


def list_kpis(club: Club | int, *, active_only: bool = True) -> list[KpiDefinition]:
    """The club's KPI catalogue in display order."""
    club_id = club if isinstance(club, int) else club.id
    query = sa.select(KpiDefinition).where(KpiDefinition.club_id == club_id)
    if active_only:
        query = query.where(KpiDefinition.active.is_(True))
    return list(db.session.scalars(query.order_by(KpiDefinition.position, KpiDefinition.id)))
