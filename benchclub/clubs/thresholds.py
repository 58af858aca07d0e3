"""A club's disclosure thresholds (DOMAIN §5): the facilitator may raise them, never below the defaults."""
from __future__ import annotations

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..models import Club, User
from ..models.club import DEFAULT_EXACT_N_FROM, DEFAULT_MIN_FIRMS, DEFAULT_MIN_FIRMS_TAILS


class ThresholdError(DomainError):
    """A threshold below its default, or out of order (P10/P90 need at least as many firms as the rest)."""


def set_thresholds(club: Club, *, min_firms: int, min_firms_tails: int, exact_n_from: int, actor: User) -> Club:
    """Set the club's thresholds, each at least its DOMAIN §5 default and in order; every change is audited."""
    if min_firms < DEFAULT_MIN_FIRMS:
        raise ThresholdError(f"At least {DEFAULT_MIN_FIRMS} firms: the default may only be raised.", field="min_firms")
    if min_firms_tails < max(DEFAULT_MIN_FIRMS_TAILS, min_firms):
        raise ThresholdError(f"P10 and P90 need at least {max(DEFAULT_MIN_FIRMS_TAILS, min_firms)} firms.",
                             field="min_firms_tails")
    if exact_n_from < max(DEFAULT_EXACT_N_FROM, min_firms_tails):
        raise ThresholdError(f"The exact count may be shown from {max(DEFAULT_EXACT_N_FROM, min_firms_tails)} firms "
                             "at the earliest.", field="exact_n_from")
    old = (club.min_firms, club.min_firms_tails, club.exact_n_from)
    new = (min_firms, min_firms_tails, exact_n_from)
    if old != new:
        club.min_firms, club.min_firms_tails, club.exact_n_from = new
        db.session.flush()
        record(actor, "update", "club_thresholds", club.id, club_id=club.id,
               summary="disclosure thresholds (min firms, P10/P90 firms, exact n from)",
               old="/".join(map(str, old)), new="/".join(map(str, new)))
    return club
