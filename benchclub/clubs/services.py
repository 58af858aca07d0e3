"""Club administration: clubs, firms, supply links and the KPI catalogue."""
from __future__ import annotations

import math
import re
from typing import Any

import sqlalchemy as sa

from ..audit import record
from ..catalogue import default_catalogue, find_kpi
from ..errors import DomainError, NotFoundError
from ..events import governor_added
from ..extensions import db
from ..models import Club, Direction, Firm, FirmKind, KpiDefinition, SupplyLink, User

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
KPI_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _check_code(code: str, what: str = "code") -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise DomainError(f"'{code}' is not a valid {what}: use 1-32 letters, digits, '-', '_' or '.'.", field="code")
    return code


def create_club(code: str, name: str, *, actor: User | None = None) -> Club:
    """A new club with the default KPI catalogue (DOMAIN §3)."""
    code = _check_code(code, "club code")
    if not name.strip():
        raise DomainError("A club needs a name.", field="name")
    same = db.session.scalar(sa.select(Club.code).where(sa.func.lower(Club.code) == code.lower()))
    if same is not None:  # codes are case-insensitive: 'auto' next to 'AUTO' would be a trap
        raise DomainError(f"Club {same} already exists (club codes ignore upper and lower case).", field="code")
    club = Club(code=code, name=name.strip())
    db.session.add(club)
    db.session.flush()
    for position, spec in enumerate(default_catalogue()):
        db.session.add(_kpi_from_spec(club, spec, position))
    record(actor, "create", "club", club.id, club_id=club.id, summary=f"club {code}")
    db.session.flush()
    return club


def _kpi_from_spec(club: Club, spec: dict[str, Any], position: int) -> KpiDefinition:
    return KpiDefinition(
        club_id=club.id,
        code=spec["code"],
        name=spec["name"],
        unit=spec["unit"],
        direction=Direction(spec["direction"]),
        definition=spec.get("definition", ""),
        hard_min=spec["hard_min"],
        hard_max=spec["hard_max"],
        soft_min=spec["soft_min"],
        soft_max=spec["soft_max"],
        governor_measurable=spec.get("governor_measurable", False),
        bin_edges=list(spec.get("bin_edges", [])),
        position=position,
    )


def get_club(code: str) -> Club:
    """The club with that code (upper or lower case alike), or a NotFoundError naming it."""
    club = db.session.scalar(sa.select(Club).where(sa.func.lower(Club.code) == (code or "").strip().lower()))
    if club is None:
        raise NotFoundError(f"There is no club with code {code}.")
    return club


def get_firm(code: str, club: Club | None = None) -> Firm:
    """The firm with that code (optionally only within one club), or a NotFoundError."""
    query = sa.select(Firm).where(Firm.code == code)
    if club is not None:
        query = query.where(Firm.club_id == club.id)
    firm = db.session.scalar(query)
    if firm is None:
        raise NotFoundError(f"There is no firm with code {code}" + (f" in club {club.code}." if club else "."))
    return firm


def create_firm(
    club: Club,
    code: str,
    name: str,
    kind: FirmKind | str,
    country: str,
    sector: str,
    employees: int | None,
    *,
    actor: User | None = None,
) -> Firm:
    """Add a firm to a club after checking every field."""
    code = _check_code(code, "firm code")
    try:
        kind = FirmKind(kind)
    except ValueError:
        raise DomainError(f"Kind must be 'supplier' or 'governor', not '{kind}'.", field="kind") from None
    country = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise DomainError(f"Country must be a two-letter ISO code, not '{country}'.", field="country")
    if not (name or "").strip():
        raise DomainError("A firm needs a name.", field="name")
    if not (sector or "").strip():
        raise DomainError("A firm needs a sector.", field="sector")
    check_employees(employees)
    if db.session.scalar(sa.select(Firm.id).where(Firm.code == code)) is not None:
        raise DomainError(f"Firm code {code} is already taken.", field="code")
    firm = Firm(club=club, code=code, name=name.strip(), kind=kind, country=country, sector=sector.strip(),
                employees=employees)
    db.session.add(firm)
    db.session.flush()
    record(actor, "create", "firm", firm.id, club_id=club.id, summary=f"firm {code} ({kind.value})")
    if kind == FirmKind.GOVERNOR:
        governor_added.send(firm, actor=actor)
    return firm


def update_firm(firm: Firm, *, name: str, country: str, sector: str, employees: int | None, active: bool,
                actor: User | None) -> Firm:
    """Change a firm's descriptive fields, auditing each change."""
    changes = {"name": name.strip(), "country": country.strip().upper(), "sector": sector.strip(),
               "employees": employees, "active": active}
    if not re.fullmatch(r"[A-Z]{2}", changes["country"]):
        raise DomainError(f"Country must be a two-letter ISO code, not '{changes['country']}'.", field="country")
    if not changes["name"]:
        raise DomainError("A firm needs a name.", field="name")
    if not changes["sector"]:
        raise DomainError("A firm needs a sector.", field="sector")
    check_employees(employees)
    for attr, new in changes.items():
        old = getattr(firm, attr)
        if old != new:
            setattr(firm, attr, new)
            record(actor, "update", "firm", firm.id, club_id=firm.club_id, summary=f"{firm.code}.{attr}",
                   old=old, new=new)
    db.session.flush()
    return firm


def link_supplier(governor: Firm, supplier: Firm, tier: int, *, actor: User | None = None) -> SupplyLink:
    """Link a governor to a supplier of the same club, or update the tier of an existing link."""
    if governor.kind != FirmKind.GOVERNOR:
        raise DomainError(f"{governor.code} is not a governor firm.", field="governor")
    if supplier.kind != FirmKind.SUPPLIER:
        raise DomainError(f"{supplier.code} is not a supplier firm.", field="supplier")
    if governor.club_id != supplier.club_id:
        raise DomainError(f"{governor.code} and {supplier.code} are in different clubs.", field="supplier")
    if not isinstance(tier, int) or not 1 <= tier <= 4:
        raise DomainError(f"Tier must be 1, 2, 3 or 4, not {tier}.", field="tier")
    link = db.session.scalar(
        sa.select(SupplyLink).where(SupplyLink.governor_id == governor.id, SupplyLink.supplier_id == supplier.id)
    )
    if link is None:
        link = SupplyLink(governor=governor, supplier=supplier, tier=tier)
        db.session.add(link)
        db.session.flush()
        record(actor, "create", "supply_link", link.id, club_id=governor.club_id,
               summary=f"{governor.code} -> {supplier.code} tier {tier}")
        governor_added.send(governor, actor=actor)
    elif link.tier != tier:
        record(actor, "update", "supply_link", link.id, club_id=governor.club_id,
               summary=f"{governor.code} -> {supplier.code} tier", old=link.tier, new=tier)
        link.tier = tier
    db.session.flush()
    return link


def _check_new_kpi_code(club: Club, code: str) -> None:
    if not KPI_CODE_RE.match(code):
        raise DomainError("A KPI code is 2-40 lower-case letters, digits or '_' and starts with a letter.",
                          field="code")
    if find_kpi(club, code, active_only=False) is not None:
        raise DomainError(f"KPI {code} already exists in this club.", field="code")


#: KPI bounds beyond this are typing mistakes, and their width would overflow to infinity in the histogram bins.
MAX_KPI_MAGNITUDE = 1e12
#: The largest firm on Earth employs about 2.3 million people.
MAX_EMPLOYEES = 10_000_000


def check_employees(employees: int | None) -> None:
    """A head count a firm can have (a 30-digit number would overflow the database column)."""
    if employees is not None and not 0 <= employees <= MAX_EMPLOYEES:
        raise DomainError(f"Employees must be a whole number from 0 to {MAX_EMPLOYEES:,}.", field="employees")


def _check_ranges(data: dict[str, Any]) -> dict[str, float]:
    numbers: dict[str, float] = {}
    for key in ("hard_min", "hard_max", "soft_min", "soft_max"):
        value = data.get(key)
        try:
            numbers[key] = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise DomainError(f"{key.replace('_', ' ')} must be a number.", field=key) from None
        if not math.isfinite(numbers[key]) or abs(numbers[key]) > MAX_KPI_MAGNITUDE:
            raise DomainError(f"{key.replace('_', ' ')} must be a number between {-MAX_KPI_MAGNITUDE:g} and "
                              f"{MAX_KPI_MAGNITUDE:g}.", field=key)
    if not numbers["hard_min"] < numbers["hard_max"]:
        raise DomainError("The hard minimum must be below the hard maximum.", field="hard_max")
    if not (numbers["hard_min"] <= numbers["soft_min"] <= numbers["soft_max"] <= numbers["hard_max"]):
        raise DomainError("The soft range must lie inside the hard range.", field="soft_min")
    return numbers


def _bin_edges(data: dict[str, Any], numbers: dict[str, float]) -> list[float]:
    edges = sorted(set(float(e) for e in data.get("bin_edges") or []))
    if not edges:
        step = (numbers["soft_max"] - numbers["soft_min"]) / 8 or 1
        edges = [numbers["hard_min"]] + [numbers["soft_min"] + step * i for i in range(1, 8)] + [numbers["hard_max"]]
        edges = sorted(set(edges))
    return edges


def _kpi_fields(data: dict[str, Any], kpi: KpiDefinition | None) -> dict[str, Any]:
    """Check and normalise the editable fields of a KPI definition."""
    name, unit = (data.get("name") or "").strip(), (data.get("unit") or "").strip()
    if not name:
        raise DomainError("A KPI needs a name.", field="name")
    if not unit:
        raise DomainError("A KPI needs a unit.", field="unit")
    try:
        direction = Direction(data.get("direction"))
    except ValueError:
        raise DomainError("Direction must be 'higher' or 'lower'.", field="direction") from None
    numbers = _check_ranges(data)
    active = bool(data["active"]) if "active" in data else (kpi.active if kpi else True)
    return dict(name=name, unit=unit, direction=direction, definition=(data.get("definition") or "").strip(),
                governor_measurable=bool(data.get("governor_measurable")), bin_edges=_bin_edges(data, numbers),
                active=active, **numbers)


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def save_kpi_definition(club: Club, data: dict[str, Any], *, kpi: KpiDefinition | None = None,
                        actor: User | None = None) -> KpiDefinition:
    """Add a KPI to a club's catalogue or edit one; ranges must nest (hard contains soft)."""
    code = (data.get("code") or (kpi.code if kpi else "")).strip()
    if kpi is None:
        _check_new_kpi_code(club, code)
    fields = _kpi_fields(data, kpi)
    if kpi is None:
        position = db.session.scalar(sa.select(sa.func.count(KpiDefinition.id)).where(KpiDefinition.club_id == club.id))
        kpi = KpiDefinition(club_id=club.id, code=code, position=position or 0, **fields)
        db.session.add(kpi)
        db.session.flush()
        record(actor, "create", "kpi_definition", kpi.id, club_id=club.id, summary=f"KPI {code}")
    else:
        for attr, new in fields.items():
            old = getattr(kpi, attr)
            if old != new:
                record(actor, "update", "kpi_definition", kpi.id, club_id=club.id, summary=f"{kpi.code}.{attr}",
                       old=_plain(old), new=_plain(new))
                setattr(kpi, attr, new)
    db.session.flush()
    return kpi
