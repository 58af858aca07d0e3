"""CSV imports of firms and supply links (CLI `firms import`, `links import`) on the import framework
(`benchclub.csvimport`): parsed and checked row by row, all or nothing, every bad row listed."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from ..csvimport import Row, all_or_nothing, read_table, run_rows
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Club, Firm, FirmKind, SupplyLink, User
from .services import create_firm, get_club, get_firm, link_supplier, update_firm

FIRM_COLUMNS = ("club", "code", "name", "kind", "country", "sector", "employees")
LINK_COLUMNS = ("governor", "supplier", "tier")

T = TypeVar("T")


def _lookup(find: Callable[[str], T], code: str, column: str) -> T:
    """Resolve a code, turning 'not found' into an error on the right column."""
    if not code:
        raise DomainError("required", field=column)
    try:
        return find(code)
    except NotFoundError as exc:
        raise DomainError(str(exc), field=column) from None


def _parse_int(text: str, column: str, *, optional: bool = False) -> int | None:
    if text == "" and optional:
        return None
    try:
        return int(text)
    except ValueError:
        raise DomainError(f"'{text}' is not a whole number.", field=column) from None


def _firm_row(row: Row, actor: User | None, update: bool = False) -> Firm:
    club: Club = _lookup(get_club, row["club"], "club")
    employees = _parse_int(row["employees"], "employees", optional=True)
    kind = row["kind"].lower()
    existing = db.session.scalar(sa.select(Firm).where(Firm.code == row["code"]))
    if existing is None:
        return create_firm(club, row["code"], row["name"], kind, row["country"], row["sector"], employees,
                           actor=actor)
    if not update:
        raise DomainError(f"Firm {existing.code} already exists; nothing was changed. Pass --update to change "
                          "existing firms.", field="code")
    if existing.club_id != club.id:
        raise DomainError(f"Firm {existing.code} already belongs to club {existing.club.code}.", field="code")
    if existing.kind.value != kind:
        raise DomainError(f"Firm {existing.code} is a {existing.kind.value}; its kind cannot change.", field="kind")
    return update_firm(existing, name=row["name"], country=row["country"], sector=row["sector"],
                       employees=employees, active=existing.active, actor=actor)


def import_firms(data: bytes, *, actor: User | None = None, update: bool = False) -> list[Firm]:
    """Create the firms of a CSV file; firms that exist are changed only with `update` (else the file is refused)."""
    rows = read_table(data, FIRM_COLUMNS).rows_or_raise()
    return all_or_nothing(db.session, lambda: run_rows(rows, lambda row: _firm_row(row, actor, update),
                                           key=lambda row: row["code"], key_column="code"))


def _link_row(row: Row, actor: User | None) -> SupplyLink:
    governor: Firm = _lookup(get_firm, row["governor"], "governor")
    supplier: Firm = _lookup(get_firm, row["supplier"], "supplier")
    if governor.kind != FirmKind.GOVERNOR:
        raise DomainError(f"{governor.code} is not a governor firm.", field="governor")
    tier = _parse_int(row["tier"], "tier")
    return link_supplier(governor, supplier, tier, actor=actor)  # type: ignore[arg-type]


def import_links(data: bytes, *, actor: User | None = None) -> list[SupplyLink]:
    """Create supply links from a CSV file, or change the tier of links that exist."""
    rows = read_table(data, LINK_COLUMNS).rows_or_raise()
    return all_or_nothing(db.session, lambda: run_rows(rows, lambda row: _link_row(row, actor),
                                           key=lambda row: (row["governor"], row["supplier"]), key_column="supplier"))
