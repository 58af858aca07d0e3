"""Certificates: a member's own list and form; the facilitator's club-wide expiry watch."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..audit import record
from ..clubs.context import club_page
from ..errors import ConflictError, DomainError
from ..extensions import db
from ..models import Certificate, Club, Role
from ..models.certification import EXPIRING_WITHIN_DAYS
from ..permissions import can_manage_certificates, role_required
from . import services
from .blueprint import bp
from .forms import CertificateForm


def _own_firm():
    firm = current_user.firm
    if firm is None or not can_manage_certificates(current_user, firm):
        abort(403)
    return firm


def _own_certificate(cert_id: int) -> Certificate:
    cert = db.get_or_404(Certificate, cert_id)
    if not can_manage_certificates(current_user, cert.firm):
        abort(403)
    return cert


def _show_error(form: CertificateForm, exc: DomainError) -> None:
    target = getattr(form, exc.field or "", None)
    if target is not None and exc.field != "version":
        target.errors = [*target.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


@bp.get("/certificates")
@role_required(Role.MEMBER)
def index():
    """The member's firm's certificates with their status today."""
    firm = _own_firm()
    today = date.today()
    rows = [(cert, cert.status_on(today)) for cert in services.list_certificates(firm)]
    return render_template("certifications/index.html", firm=firm, rows=rows, today=today)


@bp.route("/certificates/new", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def new():
    """Record a certificate of the member's firm."""
    firm = _own_firm()
    form = CertificateForm()
    if form.validate_on_submit():
        try:
            cert = services.add_certificate(firm, form.to_input(), actor=current_user)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(f"{cert.standard} certificate {cert.number} saved.", "success")
            return redirect(url_for("certifications.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("certifications/form.html", form=form, cert=None, current=None), status


@bp.route("/certificates/<int:cert_id>/edit", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def edit(cert_id: int):
    """Correct or renew a certificate; a stale form (someone saved meanwhile) is refused."""
    cert = _own_certificate(cert_id)
    form = CertificateForm(obj=cert)
    current = None
    if form.validate_on_submit():
        try:
            services.update_certificate(cert, form.to_input(), expected_version=form.expected_version(),
                                        actor=current_user)
        except ConflictError as exc:
            _show_error(form, exc)
            current = cert  # show what is saved now; saving again overwrites knowingly
            form.version.data = str(cert.version)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(f"{cert.standard} certificate {cert.number} updated.", "success")
            return redirect(url_for("certifications.index"))
    elif not form.is_submitted():
        form.version.data = str(cert.version)
    status = 409 if current is not None else 422 if form.is_submitted() else 200
    return render_template("certifications/form.html", form=form, cert=cert, current=current), status


@bp.post("/certificates/<int:cert_id>/delete")
@role_required(Role.MEMBER)
def delete(cert_id: int):
    """Remove a certificate entered by mistake (the audit log keeps it)."""
    cert = _own_certificate(cert_id)
    label = f"{cert.standard} certificate {cert.number}"
    services.delete_certificate(cert, actor=current_user)
    db.session.commit()
    flash(f"{label} removed.", "success")
    return redirect(url_for("certifications.index"))


@bp.get("/club/certificates")
@role_required(Role.FACILITATOR)
@club_page("Expiring certificates")
def expiring(club: Club):
    """Facilitator: every certificate of the club that expires within 90 days or has expired."""
    today = date.today()
    rows = [(cert, cert.status_on(today)) for cert in services.list_expiring(club, today)]
    # Identified firm data seen by the facilitator: logged (DOMAIN §5 rule 8).
    record(current_user, "view", "certificate", None, club_id=club.id, summary="expiring certificates list")
    db.session.commit()
    return render_template("certifications/expiring.html", club=club, rows=rows, today=today,
                           within=EXPIRING_WITHIN_DAYS)
