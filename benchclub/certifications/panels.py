"""Home-page cards: a member's certificates that need renewing; the facilitator's expiry count."""
from __future__ import annotations

from datetime import date

from ..dashboards.panels import Panel
from ..models import CertificateStatus, User
from ..permissions import can_manage_certificates, facilitated_club_id, is_member
from .services import count_expiring, list_certificates, list_expiring


def member_certificates_panel(user: User) -> Panel | None:
    """Member: which of the firm's certificates are expiring or expired (or that none are recorded)."""
    if not is_member(user) or not can_manage_certificates(user, user.firm):
        return None
    today = date.today()
    certs = list_certificates(user.firm)
    attention = [(c, c.status_on(today)) for c in certs
                 if c.status_on(today) in (CertificateStatus.EXPIRING, CertificateStatus.EXPIRED)]
    return Panel("certifications/panel_member.html", {"total": len(certs), "attention": attention}, order=40)


def facilitator_certificates_panel(user: User) -> Panel | None:
    """Facilitator: how many of the club's certificates expire within 90 days, and how many expired."""
    if facilitated_club_id(user) is None:
        return None
    today = date.today()
    expiring = count_expiring(user.club_id, today)
    expired = sum(1 for c in list_expiring(user.club, today) if c.status_on(today) == CertificateStatus.EXPIRED)
    return Panel("certifications/panel_facilitator.html", {"expiring": expiring, "expired": expired}, order=40)
