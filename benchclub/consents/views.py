"""A supplier member grants or revokes each linked governor's access to its identified KPIs."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..models import Firm, Role
from ..permissions import can_manage_consent, role_required
from . import services
from .blueprint import bp
from .forms import ConsentForm


def _supplier() -> Firm:
    firm = current_user.firm
    if firm is None or not can_manage_consent(current_user, firm):
        abort(403)
    return firm


def _linked_governor(supplier: Firm, governor_id: int) -> Firm:
    governor = db.get_or_404(Firm, governor_id)
    if not any(row.governor.id == governor.id for row in services.list_consent_rows(supplier)):
        abort(404)  # not a customer of this supplier: do not confirm it exists
    return governor


def _page(supplier: Firm, errors: dict[int, str] | None = None, status: int = 200):
    return render_template("consents/index.html", firm=supplier, rows=services.list_consent_rows(supplier),
                           kpis=services.shareable_kpis(supplier), errors=errors or {}), status


@bp.get("/consents")
@role_required(Role.MEMBER)
def index():
    """Each linked governor and what it may see of this firm's self-reported KPIs."""
    return _page(_supplier())


@bp.post("/consents/<int:governor_id>")
@role_required(Role.MEMBER)
def grant(governor_id: int):
    """Share all or the chosen KPIs with a governor, from now on."""
    supplier = _supplier()
    governor = _linked_governor(supplier, governor_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _page(supplier, {governor.id: "Choose whether to share all KPIs or only the ticked ones."}, 422)
    try:
        services.grant_consent(supplier, governor, kpi_codes=form.codes(), actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        return _page(supplier, {governor.id: str(exc)}, 422)
    db.session.commit()
    flash(f"{governor.name} can now see the KPIs you chose.", "success")
    return redirect(url_for("consents.index"))


@bp.post("/consents/<int:governor_id>/revoke")
@role_required(Role.MEMBER)
def revoke(governor_id: int):
    """Withdraw a governor's access to identified KPIs, at once."""
    supplier = _supplier()
    governor = _linked_governor(supplier, governor_id)
    services.revoke_consent(supplier, governor, actor=current_user)
    db.session.commit()
    flash(f"{governor.name} can no longer see your reported KPIs.", "success")
    return redirect(url_for("consents.index"))
