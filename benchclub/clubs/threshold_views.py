"""The facilitator's page for the club's disclosure thresholds (raise only; audited)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..extensions import db
from ..models import Club, Role
from ..models.club import DEFAULT_EXACT_N_FROM, DEFAULT_MIN_FIRMS, DEFAULT_MIN_FIRMS_TAILS
from ..permissions import role_required
from .blueprint import bp
from .context import club_page
from .thresholds import ThresholdError, set_thresholds


class ThresholdForm(FlaskForm):
    """Three whole numbers; the service checks the floors and the order."""

    min_firms = IntegerField("Minimum firms for any peer statistic", validators=[InputRequired(), NumberRange(1, 1000)],
                             description=f"Default {DEFAULT_MIN_FIRMS}.")
    min_firms_tails = IntegerField("Minimum firms for P10 and P90", validators=[InputRequired(), NumberRange(1, 1000)],
                                   description=f"Default {DEFAULT_MIN_FIRMS_TAILS}.")
    exact_n_from = IntegerField("Show the exact number of firms from", validators=[InputRequired(),
                                                                                   NumberRange(1, 1000)],
                                description=f"Default {DEFAULT_EXACT_N_FROM}; below it the count is a band such as 10-19.")


@bp.route("/club/disclosure", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
@club_page("Disclosure thresholds")
def disclosure_thresholds(club: Club):
    """Raise the club's disclosure thresholds above the defaults (never below); each change is audited."""
    form = ThresholdForm(obj=club)
    if form.validate_on_submit():
        try:
            set_thresholds(club, min_firms=form.min_firms.data, min_firms_tails=form.min_firms_tails.data,
                           exact_n_from=form.exact_n_from.data, actor=current_user)
        except ThresholdError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors = [str(exc)]
        else:
            db.session.commit()
            flash("Disclosure thresholds saved; they apply to every page, download and chart from now on.", "success")
            return redirect(url_for("clubs.disclosure_thresholds", club=club.code))
    status = 422 if form.is_submitted() else 200
    return render_template("clubs/thresholds.html", club=club, form=form,
                           defaults=(DEFAULT_MIN_FIRMS, DEFAULT_MIN_FIRMS_TAILS, DEFAULT_EXACT_N_FROM)), status
