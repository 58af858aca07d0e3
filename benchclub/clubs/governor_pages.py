"""Which governor a governor page shows: the governor's own firm, or for the admin (read-only) the one it
picked with ?governor=CODE. Shared by the ladder and benchmark pages (both sit above clubs), like
`clubs.context` for facilitator pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user

from .. import permissions
from ..audit import record
from ..extensions import db
from ..models import Firm, FirmKind, SupplyLink


def own_governor() -> Firm:
    """The current user's governor firm (403 for anyone else)."""
    if not permissions.can_use_ladder_dashboard(current_user):
        abort(403)
    return current_user.firm


def viewed_governor() -> Firm | None:
    """The governor whose pages are shown: one's own firm, or for the admin (read-only) the one in
    ?governor=CODE (any case); None while the admin has not chosen one, 404 for an unknown code."""
    if permissions.can_read_governor_pages(current_user):
        code = request.args.get("governor", "").strip()
        if not code:
            return None
        firm = db.session.scalar(sa.select(Firm).where(sa.func.lower(Firm.code) == code.lower(),
                                                       Firm.kind == FirmKind.GOVERNOR))
        if firm is None:
            abort(404)
        return firm
    return own_governor()


def pick_governor(supplier: Firm | None = None):
    """The admin's list of governors to look at (those a supplier is linked to, for its scorecard); each
    link opens the page asked for."""
    query = sa.select(Firm).where(Firm.kind == FirmKind.GOVERNOR).order_by(Firm.name)
    if supplier is not None:
        query = query.where(Firm.id.in_(sa.select(SupplyLink.governor_id).where(SupplyLink.supplier_id == supplier.id)))
    return render_template("ladder/pick_governor.html", governors=list(db.session.scalars(query)),
                           endpoint=request.endpoint, view_args=request.view_args or {}, supplier=supplier)


def read_only_context(governor: Firm, page: str, entity_id: int | None = None) -> dict:
    """Template flags for the page (read_only: no forms; gq: the query that keeps ?governor= on links),
    and the audit entry of an identified view by the admin (rule 8, DOMAIN §5)."""
    if permissions.must_audit_governor_view(current_user, governor):
        record(current_user, "view", "governor_page", entity_id if entity_id is not None else governor.id,
               club_id=governor.club_id, summary=f"{page} of governor {governor.code} (read-only)",
               detail={"page": page, "governor": governor.code})
        db.session.commit()
    if permissions.is_read_only_governor_view(current_user, governor):
        return {"read_only": True, "gq": {"governor": governor.code}}
    return {"read_only": False, "gq": {}}
