"""International comparators: CSV import (all or nothing, read by `imports.py` on the import framework),
edit, delete and the illustrative demo set."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..audit import record
from ..csvimport import ImportRejectedError, all_or_nothing
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Club, Comparator, ComparatorValue, KpiDefinition, User
from .imports import CSV_COLUMNS, QUANTILE_KEYS, check_quantiles, comparator_rows

__all__ = ["CSV_COLUMNS", "ImportRejectedError", "import_comparators", "update_comparator", "delete_comparator",
           "get_comparator", "list_comparators", "load_illustrative_comparator"]
ILLUSTRATIVE_CSV = Path(__file__).resolve().parents[2] / "seeds" / "comparators_illustrative.csv"


def list_comparators(club: Club) -> list[Comparator]:
    """The club's comparators, newest year first."""
    return list(db.session.scalars(sa.select(Comparator).where(Comparator.club_id == club.id)
                                   .order_by(Comparator.year.desc(), Comparator.name)))


def get_comparator(club: Club, comparator_id: int) -> Comparator:
    """One comparator of this club, or NotFoundError."""
    comparator = db.session.get(Comparator, comparator_id)
    if comparator is None or comparator.club_id != club.id:
        raise NotFoundError("There is no such comparator in this club.")
    return comparator


def _upsert_comparator(club: Club, item: dict[str, Any], illustrative: bool, actor: User | None) -> Comparator:
    comparator = db.session.scalar(sa.select(Comparator).where(
        Comparator.club_id == club.id, Comparator.name == item["name"], Comparator.year == item["year"]))
    if comparator is None:
        comparator = Comparator(club_id=club.id, name=item["name"], year=item["year"], region=item["region"],
                                source=item["source"], sample_size=item["sample_size"], illustrative=illustrative)
        db.session.add(comparator)
        db.session.flush()
        record(actor, "create", "comparator", comparator.id, club_id=club.id,
               summary=f"comparator {comparator.name} {comparator.year} imported")
        return comparator
    _set_fields(comparator, {"region": item["region"], "source": item["source"], "sample_size": item["sample_size"],
                             "illustrative": illustrative}, actor)
    return comparator


def _set_fields(comparator: Comparator, fields: dict[str, Any], actor: User | None) -> None:
    for attr, new in fields.items():
        old = getattr(comparator, attr)
        if old != new:
            record(actor, "update", "comparator", comparator.id, club_id=comparator.club_id,
                   summary=f"{comparator.name} {comparator.year}: {attr}", old=old, new=new)
            setattr(comparator, attr, new)


def _set_values(comparator: Comparator, code: str, quantiles: dict[str, float | None], actor: User | None) -> None:
    value = next((v for v in comparator.values if v.kpi_code == code), None)
    if value is None:
        value = ComparatorValue(kpi_code=code)
        comparator.values.append(value)
    for k in QUANTILE_KEYS:
        old, new = getattr(value, k), quantiles.get(k)
        if old != new:
            record(actor, "update", "comparator_value", comparator.id, club_id=comparator.club_id,
                   summary=f"{comparator.name} {comparator.year}: {code} {k.upper()}", old=old, new=new)
            setattr(value, k, new)


def import_comparators(club: Club, data: bytes | str, *, actor: User | None,
                       illustrative: bool = False) -> list[Comparator]:
    """Import a comparator CSV: all rows or none (ImportRejectedError lists every bad row). Existing
    comparators (same name and year) are updated."""
    rows, errors = comparator_rows(club, data)
    if errors:
        db.session.rollback()
        raise ImportRejectedError(errors)
    return all_or_nothing(db.session, lambda: _write_comparators(club, rows, illustrative, actor))


def _write_comparators(club: Club, rows: list[dict[str, Any]], illustrative: bool,
                       actor: User | None) -> list[Comparator]:
    touched: dict[tuple[str, int], Comparator] = {}
    for item in rows:
        key = (item["name"], item["year"])
        if key not in touched:
            touched[key] = _upsert_comparator(club, item, illustrative, actor)
        _set_values(touched[key], item["kpi"], item["quantiles"], actor)
    db.session.flush()
    return list(touched.values())


def update_comparator(comparator: Comparator, fields: dict[str, Any], values: dict[str, dict[str, float | None]],
                      *, actor: User | None) -> Comparator:
    """Edit a comparator's description and quantiles; a KPI whose quantiles are all empty is removed."""
    if not all((fields.get(k) or "").strip() for k in ("name", "region", "source")):
        raise DomainError("Name, region and source are required: every chart names the comparator's source.",
                          field="source")
    kpis = {k.code: k for k in db.session.scalars(sa.select(KpiDefinition).where(
        KpiDefinition.club_id == comparator.club_id))}
    for code, quantiles in values.items():
        if all(v is None for v in quantiles.values()):
            continue
        try:
            check_quantiles(kpis[code], quantiles)
        except ValueError as exc:
            raise DomainError(str(exc), field=f"{code}__p10") from None
    _set_fields(comparator, {k: fields[k] for k in ("name", "region", "year", "source", "sample_size", "illustrative")},
                actor)
    for code, quantiles in values.items():
        if all(v is None for v in quantiles.values()):
            for stale in [v for v in comparator.values if v.kpi_code == code]:
                record(actor, "delete", "comparator_value", comparator.id, club_id=comparator.club_id,
                       summary=f"{comparator.name} {comparator.year}: {code} removed")
                comparator.values.remove(stale)
        else:
            _set_values(comparator, code, quantiles, actor)
    db.session.flush()
    return comparator


def delete_comparator(comparator: Comparator, *, actor: User | None) -> None:
    """Remove a comparator and its quantiles (logged)."""
    record(actor, "delete", "comparator", comparator.id, club_id=comparator.club_id,
           summary=f"comparator {comparator.name} {comparator.year} deleted")
    db.session.delete(comparator)
    db.session.flush()


def load_illustrative_comparator(club: Club, *, actor: User | None = None) -> Comparator:
    """Load the illustrative European comparator shipped in seeds/ (labelled illustrative, never a survey)."""
    comparators = import_comparators(club, ILLUSTRATIVE_CSV.read_bytes(), actor=actor,
                                     illustrative=True)
    return comparators[0]
