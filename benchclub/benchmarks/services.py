"""International comparators: CSV import (all or nothing), edit, delete and the illustrative demo set."""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..audit import record
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Club, Comparator, ComparatorValue, KpiDefinition, User

CSV_COLUMNS = ["comparator", "region", "year", "source", "sample_size", "kpi", "p10", "p25", "p50", "p75", "p90"]
QUANTILE_KEYS = ("p10", "p25", "p50", "p75", "p90")
ILLUSTRATIVE_CSV = Path(__file__).resolve().parents[2] / "seeds" / "comparators_illustrative.csv"


class ComparatorImportError(DomainError):
    """The file was refused as a whole; `errors` lists every row problem ("row 3: ...")."""

    def __init__(self, errors: list[str]):
        super().__init__(f"Nothing was imported: {len(errors)} problem(s) in the file.", field="file")
        self.errors = errors


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


def _number(text: str, what: str) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} '{text}' is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number")
    return value


def check_quantiles(kpi: KpiDefinition, quantiles: dict[str, float | None]) -> None:
    """Quantiles inside the KPI's hard range and never decreasing from P10 to P90."""
    known = [(k, v) for k, v in quantiles.items() if v is not None]
    if not known:
        raise ValueError(f"{kpi.code}: give at least one of P10, P25, P50, P75, P90")
    for k, v in known:
        if not kpi.hard_min <= v <= kpi.hard_max:
            raise ValueError(f"{k.upper()} {v:g} is outside the range {kpi.hard_min:g} to {kpi.hard_max:g} of {kpi.code}")
    for (k1, v1), (k2, v2) in zip(known, known[1:], strict=False):
        if v2 < v1:
            raise ValueError(f"{k2.upper()} ({v2:g}) is below {k1.upper()} ({v1:g}); quantiles must not decrease")


#: No survey has sampled more firms than this; a larger number is a typing mistake (and overflows the column).
MAX_SAMPLE_SIZE = 10_000_000


def _parse_row(row: dict[str, str], kpis: dict[str, KpiDefinition]) -> dict[str, Any]:
    if None in row:
        raise ValueError(f"this row has more fields than the {len(CSV_COLUMNS)} columns of the header")
    if any(value is None for value in row.values()):
        raise ValueError(f"this row has fewer fields than the {len(CSV_COLUMNS)} columns of the header")
    name, region, source = (row.get(k, "").strip() for k in ("comparator", "region", "source"))
    if not name or not region or not source:
        raise ValueError("comparator, region and source are required")
    year_text = row.get("year", "").strip()
    if not year_text.isdigit() or not 1950 <= int(year_text) <= 2100:
        raise ValueError(f"year '{year_text}' must be a year such as 2024")
    size_text = row.get("sample_size", "").strip()
    if size_text and (not size_text.isdigit() or not 1 <= int(size_text) <= MAX_SAMPLE_SIZE):
        raise ValueError(f"sample_size '{size_text[:20]}' must be a whole number of firms from 1 to "
                         f"{MAX_SAMPLE_SIZE:,}, or empty")
    code = row.get("kpi", "").strip()
    if code not in kpis:
        raise ValueError(f"unknown KPI code '{code}'")
    quantiles = {k: _number(row.get(k, ""), k.upper()) for k in QUANTILE_KEYS}
    check_quantiles(kpis[code], quantiles)
    return {"name": name[:120], "region": region[:80], "year": int(year_text), "source": source[:300],
            "sample_size": int(size_text) if size_text else None, "kpi": code, "quantiles": quantiles}


def decode_csv_upload(data: bytes) -> str:
    """The upload as text; a file that is not UTF-8 is refused rather than silently altered."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ComparatorImportError([f"line {line}: the file is not UTF-8 text; save it as 'CSV UTF-8' and "
                                     "upload it again"]) from None


def parse_comparator_csv(text: str, club: Club) -> list[dict[str, Any]]:
    """Every row checked; raises ComparatorImportError listing all problems, or returns parsed rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if header != CSV_COLUMNS:
        raise ComparatorImportError([f"the header must be exactly: {','.join(CSV_COLUMNS)}"])
    reader.fieldnames = header
    kpis = {k.code: k for k in db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.club_id == club.id))}
    parsed, errors, seen, headers = [], [], set(), {}
    for number, row in enumerate(reader, start=2):
        try:
            item = _parse_row(row, kpis)
            key = (item["name"], item["year"])
            if key + (item["kpi"],) in seen:
                raise ValueError(f"{item['kpi']} appears twice for {item['name']} {item['year']}")
            described = (item["region"], item["source"], item["sample_size"])
            if headers.setdefault(key, described) != described:
                raise ValueError("region, source and sample_size must be the same on every row of a comparator")
            seen.add(key + (item["kpi"],))
            parsed.append(item)
        except ValueError as exc:
            errors.append(f"row {number}: {exc}")
    if errors or not parsed:
        raise ComparatorImportError(errors or ["the file has no data rows"])
    return parsed


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


def import_comparators(club: Club, text: str, *, actor: User | None, illustrative: bool = False) -> list[Comparator]:
    """Import a comparator CSV: all rows or none. Existing comparators (same name and year) are updated."""
    rows = parse_comparator_csv(text, club)
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
    comparators = import_comparators(club, ILLUSTRATIVE_CSV.read_text(encoding="utf-8"), actor=actor,
                                     illustrative=True)
    return comparators[0]
