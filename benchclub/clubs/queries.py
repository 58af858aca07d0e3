"""Read models for the facilitator's pages: firms, links, users and the audit log of one club."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import AuditEntry, Club, Firm, FirmKind, SupplyLink, User

AUDIT_PAGE_SIZE = 50


def list_clubs() -> list[Club]:
    """Every club of the installation, by code (admin only)."""
    return list(db.session.scalars(sa.select(Club).order_by(Club.code)))


def list_firms(club: Club, kind: FirmKind | None = None) -> list[Firm]:
    """The club's firms, suppliers first, by code."""
    query = sa.select(Firm).where(Firm.club_id == club.id)
    if kind is not None:
        query = query.where(Firm.kind == kind)
    return list(db.session.scalars(query.order_by(Firm.kind.desc(), Firm.code)))


def list_links(club: Club) -> list[SupplyLink]:
    """Every governor-supplier link of the club, by governor then supplier."""
    governor, supplier = aliased(Firm), aliased(Firm)
    query = (
        sa.select(SupplyLink)
        .join(governor, SupplyLink.governor_id == governor.id)
        .join(supplier, SupplyLink.supplier_id == supplier.id)
        .where(governor.club_id == club.id)
        .order_by(governor.code, supplier.code)
    )
    return list(db.session.scalars(query))


def list_club_users(club: Club) -> list[User]:
    """The club's facilitators and the staff of its firms."""
    firm_ids = sa.select(Firm.id).where(Firm.club_id == club.id)
    query = sa.select(User).where(sa.or_(User.club_id == club.id, User.firm_id.in_(firm_ids)))
    return list(db.session.scalars(query.order_by(User.role, User.email)))


def firm_as_dict(firm: Firm) -> dict[str, Any]:
    """A firm for `firms list --json`."""
    return {"club": firm.club.code, "code": firm.code, "name": firm.name, "kind": firm.kind.value,
            "country": firm.country, "sector": firm.sector, "employees": firm.employees,
            "size_band": firm.size_band, "active": firm.active}


def list_all_firms(club: Club | None = None) -> list[Firm]:
    """Firms of one club, or of every club (CLI listing)."""
    query = sa.select(Firm).join(Club, Firm.club_id == Club.id)
    if club is not None:
        query = query.where(Firm.club_id == club.id)
    return list(db.session.scalars(query.order_by(Club.code, Firm.code)))


@dataclass
class AuditPage:
    """One page of a club's audit log, newest first."""

    entries: list[AuditEntry]
    total: int
    page: int
    pages: int
    entities: list[str]


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters: who (e-mail contains), what action, which record, from and to a day."""

    actor: str = ""
    action: str = ""
    entity: str = ""
    since: date | None = None
    until: date | None = None

    def apply(self, query: sa.Select) -> sa.Select:
        """The query narrowed to the entries these filters keep."""
        if self.entity:
            query = query.where(AuditEntry.entity == self.entity)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.actor:
            pattern = "%" + self.actor.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
            query = query.where(AuditEntry.actor_id.in_(
                sa.select(User.id).where(sa.func.lower(User.email).like(pattern))))
        if self.since:
            query = query.where(AuditEntry.at >= datetime.combine(self.since, time.min, tzinfo=UTC))
        if self.until:
            query = query.where(AuditEntry.at < datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=UTC))
        return query

    def as_dict(self) -> dict[str, str]:
        """The filters set, for links and the audit entry of this view."""
        values = {"actor": self.actor, "action": self.action, "entity": self.entity,
                  "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in values.items() if v}


def list_audit(club: Club, *, entity: str = "", action: str = "", page: int = 1,
               per_page: int = AUDIT_PAGE_SIZE, filters: AuditFilter | None = None) -> AuditPage:
    """The club's audit entries, optionally filtered by actor, action, record and date range."""
    filters = filters or AuditFilter(action=action, entity=entity)
    query = filters.apply(sa.select(AuditEntry).where(AuditEntry.club_id == club.id))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    entries = db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    entities = db.session.scalars(
        sa.select(AuditEntry.entity).where(AuditEntry.club_id == club.id).distinct().order_by(AuditEntry.entity)
    )
    return AuditPage(list(entries), total, page, pages, list(entities))
