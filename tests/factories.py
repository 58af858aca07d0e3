"""Test data builders. `build_world` makes the club every access-matrix test uses."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from benchclub.auth.services import create_user
from benchclub.clubs.services import create_club, create_firm, link_supplier
from benchclub.extensions import db
from benchclub.models import Club, Consent, Firm, FirmKind, Period, Role, User
from benchclub.periods.services import open_period

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    """Club C1 with suppliers A and B, governors G1 (linked to A, consented), G2 (linked to A, no
    consent) and G3 (not linked); club C2 with its own facilitator; an admin."""

    club: Club
    other_club: Club
    firms: dict[str, Firm] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    periods: dict[str, Period] = field(default_factory=dict)


def make_user(email: str, role: Role, *, firm: Firm | None = None, club: Club | None = None) -> User:
    user, _ = create_user(email, role, firm=firm, club=club, password=PASSWORD)
    return user


def build_world() -> World:
    club = create_club("C1", "Auto Components Club")
    other = create_club("C2", "Electronics Club")
    w = World(club=club, other_club=other)
    w.firms["A"] = create_firm(club, "SUP-A", "Alpha Castings", FirmKind.SUPPLIER, "ZA", "Castings", 45)
    w.firms["B"] = create_firm(club, "SUP-B", "Beta Plastics", FirmKind.SUPPLIER, "ZA", "Plastics", 120)
    w.firms["G1"] = create_firm(club, "GOV-1", "Gamma Motors", FirmKind.GOVERNOR, "DE", "Vehicle assembly", 5000)
    w.firms["G2"] = create_firm(club, "GOV-2", "Delta Electric", FirmKind.GOVERNOR, "IN", "Electrical equipment", 3000)
    w.firms["G3"] = create_firm(club, "GOV-3", "Epsilon Trucks", FirmKind.GOVERNOR, "ZA", "Vehicle assembly", 2000)
    w.firms["X"] = create_firm(other, "SUP-X", "Xi Boards", FirmKind.SUPPLIER, "MY", "Electronics", 30)
    link_supplier(w.firms["G1"], w.firms["A"], 2)
    link_supplier(w.firms["G2"], w.firms["A"], 3)
    db.session.add(Consent(supplier_id=w.firms["A"].id, governor_id=w.firms["G1"].id, all_kpis=True))
    w.users["member_a"] = make_user("a@alpha.test", Role.MEMBER, firm=w.firms["A"])
    w.users["member_b"] = make_user("b@beta.test", Role.MEMBER, firm=w.firms["B"])
    w.users["member_x"] = make_user("x@xi.test", Role.MEMBER, firm=w.firms["X"])
    w.users["gov_consented"] = make_user("g1@gamma.test", Role.GOVERNOR, firm=w.firms["G1"])
    w.users["gov_no_consent"] = make_user("g2@delta.test", Role.GOVERNOR, firm=w.firms["G2"])
    w.users["gov_unlinked"] = make_user("g3@epsilon.test", Role.GOVERNOR, firm=w.firms["G3"])
    w.users["facilitator"] = make_user("fac@club.test", Role.FACILITATOR, club=club)
    w.users["other_facilitator"] = make_user("fac@other.test", Role.FACILITATOR, club=other)
    w.users["admin"] = make_user("admin@benchclub.test", Role.ADMIN)
    for month in ("2025-01", "2025-02"):
        w.periods[month] = open_period(club, month)
    w.periods["2025-01"].due_on = date(2025, 2, 15)
    db.session.flush()
    return w


ROLES = ["anonymous", "member_a", "member_b", "gov_consented", "gov_no_consent", "gov_unlinked",
         "facilitator", "other_facilitator", "admin"]


# --- certificates (issue 2: certifications) ----------------------------------------------------


def make_certificate(firm: Firm, standard: str = "ISO 9001", *, number: str = "Q-1001", body: str = "SGS",
                     issued: date = date(2024, 1, 1), expires: date = date(2027, 1, 1)):
    """A certificate of a supplier firm, recorded through the service (so it is audited)."""
    from benchclub.certifications.services import CertificateInput, add_certificate

    return add_certificate(firm, CertificateInput(standard, number, body, issued, expires), actor=None)


def certificate_of(world: World):
    """Firm A's first certificate, created (and committed) on first use; for access-matrix URLs."""
    import sqlalchemy as sa

    from benchclub.models import Certificate

    cert = db.session.scalar(sa.select(Certificate).where(Certificate.firm_id == world.firms["A"].id))
    if cert is None:
        cert = make_certificate(world.firms["A"])
        db.session.commit()
    return cert


# --- monthly KPI values (issue 2: kpis) --------------------------------------------------------


def add_value(world: World, firm: str, kpi_code: str, month: str, value: float | None, *,
              source: str | None = None, comment: str = "", club: Club | None = None):
    """Store one KPI value through the service (audited); value None is a nil return. `firm` and
    `source` are world firm keys ('A', 'G1'); no source means self-reported. Not committed."""
    import sqlalchemy as sa

    from benchclub.kpis.services import upsert_value
    from benchclub.kpis.validation import check_value
    from benchclub.models import KpiDefinition

    target = world.firms[firm]
    kpi = db.session.scalar(sa.select(KpiDefinition).where(KpiDefinition.club_id == target.club_id,
                                                           KpiDefinition.code == kpi_code))
    period = db.session.scalar(sa.select(Period).where(Period.club_id == target.club_id, Period.month == month))
    checked = check_value(kpi, value, is_nil=value is None, comment=comment or "test value")
    return upsert_value(target, kpi, period, world.firms[source or firm], checked, actor=None)


def kpi_value_of(world: World, *, source: str | None = None):
    """Firm A's otd_pct for 2025-01 (self-reported, or measured by `source`), created and committed on
    first use; for access-matrix URLs."""
    value = add_value(world, "A", "otd_pct", "2025-01", 95.0, source=source)
    db.session.commit()
    return value
