"""A supplier's consent for each linked governor to see its identified KPIs (DOMAIN §6).

One row per supplier and governor. Revoking sets `revoked_at`; granting again clears it. The
permission checks (`permissions.active_consent`) read the row on every request, so a change takes
effect at once.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..audit import record
from ..catalogue import list_kpis
from ..errors import DomainError
from ..extensions import db
from ..models import Consent, Firm, KpiDefinition, SupplyLink, User
from ..models._base import utcnow


@dataclass
class ConsentRow:
    """One linked governor as the supplier sees it: the link and what it currently shares."""

    link: SupplyLink
    consent: Consent | None

    @property
    def governor(self) -> Firm:
        """The linked governor firm."""
        return self.link.governor

    @property
    def active(self) -> bool:
        """True while the governor may see something."""
        return self.consent is not None and self.consent.is_active

    @property
    def shared_codes(self) -> list[str]:
        """The chosen KPI codes (empty when sharing all or nothing)."""
        return list(self.consent.kpi_codes or []) if self.active and not self.consent.all_kpis else []


def _describe(consent: Consent | None) -> str:
    if consent is None or not consent.is_active:
        return "none"
    return "all KPIs" if consent.all_kpis else ", ".join(sorted(consent.kpi_codes or []))


def find_consent(supplier: Firm, governor: Firm) -> Consent | None:
    """The consent row (live or revoked) of a supplier for a governor."""
    return db.session.scalar(
        sa.select(Consent).where(Consent.supplier_id == supplier.id, Consent.governor_id == governor.id)
    )


def list_consent_rows(supplier: Firm) -> list[ConsentRow]:
    """Every governor linked to the supplier, with its consent (if any)."""
    links = db.session.scalars(
        sa.select(SupplyLink).where(SupplyLink.supplier_id == supplier.id).order_by(SupplyLink.governor_id)
    )
    return [ConsentRow(link, find_consent(supplier, link.governor)) for link in links]


def _linked(supplier: Firm, governor: Firm) -> None:
    link = db.session.scalar(
        sa.select(SupplyLink.id).where(SupplyLink.supplier_id == supplier.id, SupplyLink.governor_id == governor.id)
    )
    if link is None:
        raise DomainError(f"{governor.name} is not one of your customers on BenchClub.", field="governor")


def _check_codes(supplier: Firm, codes: list[str]) -> list[str]:
    known = {kpi.code for kpi in list_kpis(supplier.club_id)}
    unknown = sorted(set(codes) - known)
    if unknown:
        raise DomainError(f"Unknown KPI code(s): {', '.join(unknown)}.", field="kpi_codes")
    if not codes:
        raise DomainError("Choose at least one KPI to share, or share all KPIs.", field="kpi_codes")
    return sorted(set(codes))


def grant_consent(supplier: Firm, governor: Firm, *, kpi_codes: list[str] | None, actor: User | None) -> Consent:
    """Let a linked governor see all (kpi_codes=None) or the chosen identified KPIs, from now on."""
    _linked(supplier, governor)
    codes = None if kpi_codes is None else _check_codes(supplier, kpi_codes)
    consent = find_consent(supplier, governor)
    before = _describe(consent)
    if consent is None:
        consent = Consent(supplier_id=supplier.id, governor_id=governor.id)
        db.session.add(consent)
    consent.all_kpis = codes is None
    consent.kpi_codes = codes or []
    if before == "none":  # a new or renewed grant starts now
        consent.granted_at = utcnow()
    consent.revoked_at = None
    db.session.flush()
    after = _describe(consent)
    if after != before:
        record(actor, "grant" if before == "none" else "update", "consent", consent.id, club_id=supplier.club_id,
               summary=f"{supplier.code} shares with {governor.code}", old=before, new=after)
    return consent


def revoke_consent(supplier: Firm, governor: Firm, *, actor: User | None) -> Consent | None:
    """Withdraw a governor's access at once; the row stays with revoked_at set."""
    consent = find_consent(supplier, governor)
    if consent is None or not consent.is_active:
        return consent
    before = _describe(consent)
    consent.revoked_at = utcnow()
    db.session.flush()
    record(actor, "revoke", "consent", consent.id, club_id=supplier.club_id,
           summary=f"{supplier.code} stops sharing with {governor.code}", old=before, new="none")
    return consent


def shareable_kpis(supplier: Firm) -> list[KpiDefinition]:
    """The KPIs a supplier can choose to share (its club's active catalogue)."""
    return list_kpis(supplier.club_id)
