"""Every permission decision: role gates, object policies and list scopes (CONVENTIONS habit 4).

Disclosure of benchmark numbers is decided in `benchclub.benchmarks.disclosure`, not here; this
module decides who may see or change which records.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from .extensions import db
from .models import Club, Consent, Firm, FirmKind, HostStatus, KpiValue, Role, SupplyLink, User

__all__ = ["Role"]

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Gate a view: anonymous users go to the login page, other roles get 403.

    The admin passes every gate that admits the facilitator (it runs the whole installation),
    but not member or governor gates, which need a firm of one's own.
    """
    allowed = set(roles)
    if Role.FACILITATOR in allowed:
        allowed.add(Role.ADMIN)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from .extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# --- roles ------------------------------------------------------------------------------------


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_facilitator_of(user: User, club: Club | int | None) -> bool:
    """The club's facilitator, or the admin."""
    if not user.is_authenticated or club is None:
        return False
    club_id = club if isinstance(club, int) else club.id
    return user.role == Role.ADMIN or (user.role == Role.FACILITATOR and user.club_id == club_id)


def is_member(user: User) -> bool:
    return user.is_authenticated and user.role == Role.MEMBER and user.firm is not None


def is_governor(user: User) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.GOVERNOR
        and user.firm is not None
        and user.firm.kind == FirmKind.GOVERNOR
    )


def can_manage_club(user: User, club: Club | int | None) -> bool:
    """Manage firms, users, links, the KPI catalogue, periods and comparators of a club."""
    return is_facilitator_of(user, club)


def can_see_identified_club_data(user: User, club: Club | int | None) -> bool:
    """Identified views of a whole club; every such view must be audited by the caller."""
    return is_facilitator_of(user, club)


# --- firms ------------------------------------------------------------------------------------


def link_between(governor: Firm, supplier: Firm) -> SupplyLink | None:
    """The supply link of a governor to a supplier, if any."""
    return db.session.scalar(
        sa.select(SupplyLink).where(SupplyLink.governor_id == governor.id, SupplyLink.supplier_id == supplier.id)
    )


def active_consent(governor: Firm, supplier: Firm) -> Consent | None:
    """The supplier's live consent for this governor, if any (revocation takes effect at once)."""
    consent = db.session.scalar(
        sa.select(Consent).where(Consent.governor_id == governor.id, Consent.supplier_id == supplier.id)
    )
    return consent if consent is not None and consent.is_active else None


def is_own_firm(user: User, firm: Firm) -> bool:
    return user.is_authenticated and user.firm_id is not None and user.firm_id == firm.id


def can_edit_own_values(user: User, firm: Firm) -> bool:
    """A member enters and corrects its own firm's self-reported KPIs and certificates."""
    return is_member(user) and is_own_firm(user, firm)


def can_edit_firm_values(user: User, firm: Firm) -> bool:
    """Self-reported values: the firm's own members, or the facilitator for club-wide imports."""
    return can_edit_own_values(user, firm) or is_facilitator_of(user, firm.club_id)


def can_measure_supplier(user: User, supplier: Firm) -> bool:
    """Governor staff record their own measurements only for suppliers linked to their firm."""
    return is_governor(user) and supplier.is_supplier and link_between(user.firm, supplier) is not None


def can_view_firm(user: User, firm: Firm) -> bool:
    """May see that the firm exists, by name: itself, its linked governors/suppliers, the facilitator."""
    if is_own_firm(user, firm) or is_facilitator_of(user, firm.club_id):
        return True
    if is_governor(user):
        return link_between(user.firm, firm) is not None
    if is_member(user) and firm.is_governor:
        return link_between(firm, user.firm) is not None
    return False


def can_view_identified_kpis(user: User, firm: Firm, kpi_code: str | None = None) -> bool:
    """Identified self-reported KPIs of a firm: own firm, facilitator, or a consented linked governor."""
    if is_own_firm(user, firm) or is_facilitator_of(user, firm.club_id):
        return True
    if is_governor(user) and link_between(user.firm, firm) is not None:
        consent = active_consent(user.firm, firm)
        if consent is None:
            return False
        if kpi_code is None:  # "any of its KPIs at all?"
            return consent.all_kpis or bool(consent.kpi_codes)
        return consent.covers(kpi_code)
    return False


def consented_kpi_codes(user: User, supplier: Firm) -> set[str] | None:
    """For a governor: the KPI codes the supplier shares with it (None = all, empty = none)."""
    if not is_governor(user) or link_between(user.firm, supplier) is None:
        return set()
    consent = active_consent(user.firm, supplier)
    if consent is None:
        return set()
    return None if consent.all_kpis else set(consent.kpi_codes or [])


def can_view_supplier_certificates(user: User, supplier: Firm) -> bool:
    """A supplier's certificates: its own members, its facilitator, or a linked governor it consented to (§6)."""
    if is_own_firm(user, supplier) or is_facilitator_of(user, supplier.club_id):
        return True
    return is_governor(user) and link_between(user.firm, supplier) is not None \
        and active_consent(user.firm, supplier) is not None


def can_view_supplier_stage(user: User, governor: Firm, supplier: Firm) -> bool:
    """The ladder stage: the supplier itself, that governor's staff, the facilitator."""
    if is_own_firm(user, supplier) or is_facilitator_of(user, supplier.club_id):
        return True
    return is_governor(user) and user.firm_id == governor.id and link_between(governor, supplier) is not None


def can_run_ladder(user: User, governor: Firm) -> bool:
    """Approve or reject recommendations, log visits, publish targets, edit the ladder."""
    return is_governor(user) and user.firm_id == governor.id


def can_manage_consent(user: User, supplier: Firm) -> bool:
    return can_edit_own_values(user, supplier) and supplier.is_supplier


# --- list scopes ------------------------------------------------------------------------------


def scope_firms(query: sa.Select, user: User) -> sa.Select:
    """Restrict a select over Firm to the firms the user may see by name."""
    if not user.is_authenticated:
        return query.where(sa.false())
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.FACILITATOR:
        return query.where(Firm.club_id == user.club_id)
    if user.role == Role.GOVERNOR and user.firm_id is not None:
        linked = sa.select(SupplyLink.supplier_id).where(SupplyLink.governor_id == user.firm_id)
        return query.where(sa.or_(Firm.id == user.firm_id, Firm.id.in_(linked)))
    if user.role == Role.MEMBER and user.firm_id is not None:
        governors = sa.select(SupplyLink.governor_id).where(SupplyLink.supplier_id == user.firm_id)
        return query.where(sa.or_(Firm.id == user.firm_id, Firm.id.in_(governors)))
    return query.where(sa.false())


def scope_clubs(query: sa.Select, user: User) -> sa.Select:
    """Restrict a select over Club to the clubs a user works in."""
    if not user.is_authenticated:
        return query.where(sa.false())
    if user.role == Role.ADMIN:
        return query
    return query.where(Club.id == user.home_club_id)


def managed_club_ids(user: User) -> list[int] | None:
    """Clubs a user manages (None means every club, for the admin)."""
    if is_admin(user):
        return None
    if user.is_authenticated and user.role == Role.FACILITATOR and user.club_id is not None:
        return [user.club_id]
    return []


# --- benchmarks -------------------------------------------------------------------------------


def consenting_supplier_ids(governor: Firm | None) -> set[int]:
    """Linked suppliers whose consent to this governor is live now (DOMAIN §5 rule 7, §6)."""
    if governor is None or not governor.is_governor:
        return set()
    query = (
        sa.select(Consent.supplier_id)
        .join(SupplyLink, sa.and_(SupplyLink.supplier_id == Consent.supplier_id,
                                  SupplyLink.governor_id == Consent.governor_id))
        .where(Consent.governor_id == governor.id, Consent.revoked_at.is_(None))
    )
    return set(db.session.scalars(query))


def consented_kpis_by_supplier(governor: Firm) -> dict[int, set[str] | None]:
    """In one query, per consenting linked supplier: the KPI codes it shares (None = all of them)."""
    query = (
        sa.select(Consent)
        .join(SupplyLink, sa.and_(SupplyLink.supplier_id == Consent.supplier_id,
                                  SupplyLink.governor_id == Consent.governor_id))
        .where(Consent.governor_id == governor.id, Consent.revoked_at.is_(None))
    )
    return {c.supplier_id: None if c.all_kpis else set(c.kpi_codes or []) for c in db.session.scalars(query)}


def can_view_member_benchmarks(user: User) -> bool:
    """A supplier's member sees anonymised benchmarks with its own position."""
    return is_member(user) and user.firm.is_supplier


def can_view_governor_benchmarks(user: User) -> bool:
    """Governor staff see anonymised club benchmarks under rule 7 and their consenting suppliers."""
    return is_governor(user)


def can_download_benchmarks(user: User) -> bool:
    """Members and governors may download exactly what their benchmark pages show them."""
    return can_view_member_benchmarks(user) or can_view_governor_benchmarks(user)


# --- club administration, certificates (issue 2: clubs, certifications) ----------------------


def can_manage_firm(user: User, firm: Firm) -> bool:
    """Edit a firm's details and links: the facilitator of its club, or the admin."""
    return can_manage_club(user, firm.club_id)


def can_manage_user(user: User, target: User) -> bool:
    """Deactivate, reactivate or re-invite a user: its club's facilitator; only the admin manages admins."""
    if target.role == Role.ADMIN:
        return is_admin(user)
    return can_manage_club(user, target.home_club_id)


def can_manage_certificates(user: User, firm: Firm) -> bool:
    """A supplier's own members add, edit and remove its certificates."""
    return can_edit_own_values(user, firm) and firm.is_supplier


# --- monthly KPI values (issue 2: kpis) --------------------------------------------------------


def can_import_kpis(user: User) -> bool:
    """CSV import: members (own firm), governors (own measurements), facilitators and the admin."""
    return is_member(user) or is_governor(user) or is_admin(user) or (
        user.is_authenticated and user.role == Role.FACILITATOR and user.club_id is not None
    )


def can_view_value_history(user: User, value: KpiValue) -> bool:
    """A value's change history: the firm's members for its own reports, the measuring governor's
    staff for its own measurements, the club's facilitator. Nobody else learns who changed what."""
    if is_facilitator_of(user, value.firm.club_id):
        return True
    if value.source_firm_id == value.firm_id:
        return is_member(user) and user.firm_id == value.firm_id
    return is_governor(user) and user.firm_id == value.source_firm_id and link_between(user.firm, value.firm) is not None


def scope_kpi_values(query: sa.Select, user: User) -> sa.Select:
    """Restrict a select over KpiValue to identified values the user may export: a member its own
    reports, a governor its own measurements of linked suppliers, a facilitator its club."""
    if not user.is_authenticated:
        return query.where(sa.false())
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.FACILITATOR:
        return query.where(KpiValue.firm_id.in_(sa.select(Firm.id).where(Firm.club_id == user.club_id)))
    if is_governor(user):
        linked = sa.select(SupplyLink.supplier_id).where(SupplyLink.governor_id == user.firm_id)
        return query.where(KpiValue.source_firm_id == user.firm_id, KpiValue.firm_id.in_(linked))
    if is_member(user):
        return query.where(KpiValue.firm_id == user.firm_id, KpiValue.source_firm_id == user.firm_id)
    return query.where(sa.false())


# --- workshops and notifications (DOMAIN §8) --------------------------------------------------


def can_run_workshops(user: User, club: Club | int | None) -> bool:
    """Suggestions (identified data), workshop planning, attendance, follow-up: the facilitator."""
    return is_facilitator_of(user, club)


def is_workshop_published(workshop: Any) -> bool:
    """Members see a workshop (and its host's name) only once the host agreed, or if it has no host."""
    return workshop.host_firm_id is None or workshop.host_status == HostStatus.AGREED


def can_view_workshop(user: User, workshop: Any) -> bool:
    """The facilitator; members of the club once published; the host firm's members from the start."""
    if is_facilitator_of(user, workshop.club_id):
        return True
    if not is_member(user) or user.firm.club_id != workshop.club_id:
        return False
    return workshop.host_firm_id == user.firm_id or is_workshop_published(workshop)


def can_respond_as_host(user: User, workshop: Any) -> bool:
    """Only the host firm's own members agree or decline to host."""
    return is_member(user) and workshop.host_firm_id is not None and workshop.host_firm_id == user.firm_id


def can_register_for_workshop(user: User, workshop: Any) -> bool:
    """Members of another supplier of the club register their firm for a published workshop."""
    return (is_member(user) and user.firm.club_id == workshop.club_id and user.firm_id != workshop.host_firm_id
            and is_workshop_published(workshop))


def can_edit_action(user: User, action: Any) -> bool:
    """An improvement action: the facilitator of the firm's club, or the firm's own members."""
    return is_facilitator_of(user, action.firm.club_id) or can_edit_own_values(user, action.firm)


def can_read_notification(user: User, notification: Any) -> bool:
    """A notification is private to the user it was written for."""
    return user.is_authenticated and notification.user_id == user.id


# --- ladder -----------------------------------------------------------------------------------


def can_use_ladder_dashboard(user: User) -> bool:
    """Governor staff run their own firm's ladder (tier dashboard, visits, targets, settings)."""
    return is_governor(user)


def can_view_supplier_scorecard(user: User, supplier: Firm) -> bool:
    """The identified scorecard: only staff of a governor linked to the supplier (consent decides the KPIs)."""
    return is_governor(user) and supplier.is_supplier and link_between(user.firm, supplier) is not None


def can_decide_evaluation(user: User, evaluation: Any) -> bool:
    """Approve or reject a recommendation: staff of the governor it was made for, while still linked."""
    return (can_run_ladder(user, evaluation.governor)
            and link_between(evaluation.governor, evaluation.supplier) is not None)


def can_view_own_stages(user: User) -> bool:
    """A supplier's members see their stage with each governor, history, checklist and visits."""
    return is_member(user) and user.firm.is_supplier


# --- reports -----------------------------------------------------------------------------------


def can_read_member_report(user: User) -> bool:
    """A member reads its own firm's confidential report (a supplier firm of a club)."""
    return is_member(user) and user.firm.is_supplier


def facilitated_club_id(user: User) -> int | None:
    """The club a facilitator runs (for its home page); None for every other role, the admin included."""
    club = facilitated_club(user)
    return club.id if club is not None else None


def facilitated_club(user: User) -> Club | None:
    """The one club a facilitator runs; None for every other role (the admin runs them all and picks one)."""
    if user.is_authenticated and user.role == Role.FACILITATOR and is_facilitator_of(user, user.club_id):
        return user.club
    return None


# --- API tokens and API value reads (issue 12) ---------------------------------------------------


def can_manage_api_token(user: User, token: Any) -> bool:
    """A token is its owner's: only the owner (or the admin) sees and revokes it."""
    return user.is_authenticated and (token.user_id == user.id or is_admin(user))


def scope_api_kpi_values(query: sa.Select, user: User) -> sa.Select:
    """Values the API may return to a user: what `scope_kpi_values` allows, plus, for a governor, the
    self-reported values of consenting linked suppliers for the KPIs each one shares (DOMAIN §6)."""
    if not is_governor(user):
        return scope_kpi_values(query, user)
    from .models import KpiDefinition

    own = sa.and_(KpiValue.source_firm_id == user.firm_id,
                  KpiValue.firm_id.in_(sa.select(SupplyLink.supplier_id).where(SupplyLink.governor_id == user.firm_id)))
    shared = [own]
    for supplier_id, codes in consented_kpis_by_supplier(user.firm).items():
        self_reported = sa.and_(KpiValue.firm_id == supplier_id, KpiValue.source_firm_id == supplier_id)
        if codes is not None:
            self_reported = sa.and_(self_reported, KpiValue.kpi_id.in_(
                sa.select(KpiDefinition.id).where(KpiDefinition.code.in_(sorted(codes)))))
        shared.append(self_reported)
    return query.where(sa.or_(*shared))


def can_view_job(user: User, job: Any) -> bool:
    """A background job's page and result belong to whoever started it (and the admin)."""
    return is_admin(user) or (user.is_authenticated and job.owner_id is not None and job.owner_id == user.id)


def works_in_club(user: User, club: Club | int) -> bool:
    """A user may be shown a club's pages: the admin everywhere, everyone else in their own club only."""
    club_id = club if isinstance(club, int) else club.id
    return user.role == Role.ADMIN or user.home_club_id in (None, club_id)


# --- CSV imports of KPI values (DOMAIN §3) -------------------------------------------------------


class ImportReach(str, enum.Enum):
    """Which firms' values a user's CSV import may write, and with which source."""

    ALL = "all"  # the admin, or the CLI without --as: any supplier, any source
    CLUB = "club"  # a facilitator: the suppliers of its club, any source
    LINKED_SUPPLIERS = "linked_suppliers"  # a governor: its own measurements of its linked suppliers
    OWN_FIRM = "own_firm"  # a member: its own firm's self-reported values


def value_import_reach(user: User | None) -> ImportReach:
    """The import policy of a role; no user (the CLI without --as) imports with the admin's reach."""
    if user is None or user.role == Role.ADMIN:
        return ImportReach.ALL
    return {Role.FACILITATOR: ImportReach.CLUB, Role.GOVERNOR: ImportReach.LINKED_SUPPLIERS,
            Role.MEMBER: ImportReach.OWN_FIRM}[user.role]


# --- the admin's read-only governor pages (issue 13 item 5) -------------------------------------


def can_read_governor_pages(user: User) -> bool:
    """The admin reaches every governor page (tier dashboard, scorecards, recommendations, visits,
    targets, ladder settings, benchmarks), read-only: it runs the installation and decides nothing there.
    Every change on those pages stays with `can_run_ladder` / `can_measure_supplier` (governor staff)."""
    return is_admin(user)


def is_read_only_governor_view(user: User, governor: Firm) -> bool:
    """A governor page shown to someone who is not that governor's staff: no forms, no actions."""
    return not (is_governor(user) and user.firm_id == governor.id)


def must_audit_governor_view(user: User, governor: Firm) -> bool:
    """Rule 8 (DOMAIN §5), as for the facilitator: a governor's pages name its suppliers and show their
    identified values, so the admin reading them (a third party) leaves an audit entry; the governor's
    own staff reading their own pages do not."""
    return can_read_governor_pages(user) and is_read_only_governor_view(user, governor)


def governor_shared_kpi_codes(governor: Firm, supplier: Firm) -> set[str] | None:
    """What a supplier shares with a governor (None = all, empty = none): what that governor's pages may show."""
    if link_between(governor, supplier) is None:
        return set()
    consent = active_consent(governor, supplier)
    if consent is None:
        return set()
    return None if consent.all_kpis else set(consent.kpi_codes or [])


def governor_sees_certificates(governor: Firm, supplier: Firm) -> bool:
    """A governor's pages show a supplier's certificates only if it is linked and the supplier consents (§6)."""
    return link_between(governor, supplier) is not None and active_consent(governor, supplier) is not None
