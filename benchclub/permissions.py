"""Every permission decision: role gates, object policies and list scopes (CONVENTIONS habit 4).

Disclosure of benchmark numbers is decided in `benchclub.benchmarks.disclosure`, not here; this
module decides who may see or change which records.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from .extensions import db
from .models import Club, Consent, Firm, FirmKind, Role, SupplyLink, User

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
        return kpi_code is None and (consent.all_kpis or bool(consent.kpi_codes)) or (
            kpi_code is not None and consent.covers(kpi_code)
        )
    return False


def consented_kpi_codes(user: User, supplier: Firm) -> set[str] | None:
    """For a governor: the KPI codes the supplier shares with it (None = all, empty = none)."""
    if not is_governor(user) or link_between(user.firm, supplier) is None:
        return set()
    consent = active_consent(user.firm, supplier)
    if consent is None:
        return set()
    return None if consent.all_kpis else set(consent.kpi_codes or [])


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
