"""The account page where a person creates, sees and revokes personal API tokens (cookie session, CSRF)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from .. import permissions
from ..errors import DomainError
from ..extensions import db
from . import tokens

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


class TokenForm(FlaskForm):
    """Shape only: the service checks the rules."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)],
                       description="What will use it, e.g. 'ERP monthly export'.")
    scope = SelectField("Scope", choices=[("read", "read: read data only"),
                                          ("read-write", "read-write: also push values and certificates")])
    days = IntegerField("Expires after (days)", default=tokens.DEFAULT_DAYS,
                        validators=[DataRequired(), NumberRange(1, tokens.MAX_DAYS)],
                        description=f"At most {tokens.MAX_DAYS} days.")


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=tokens.list_tokens(current_user), secret=secret,
                           status_of=tokens.token_status), status


@bp.get("/")
@login_required
def index():
    """My tokens: name, scope, expiry, last use; and the form for a new one."""
    return _page(TokenForm())


@bp.post("/")
@login_required
def create():
    """Create a token and show its secret once, on this response only (never stored, never redirected)."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        new = tokens.create_token(current_user, form.name.data, form.scope.data, form.days.data, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        getattr(form, exc.field or "name").errors.append(str(exc))
        return _page(form, status=422)
    db.session.commit()
    response, status = _page(TokenForm(formdata=None), secret=new.secret)
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of my tokens at once."""
    token = db.get_or_404(tokens.ApiToken, token_id)
    if not permissions.can_manage_api_token(current_user, token):
        abort(404)
    tokens.revoke_token(token, actor=current_user)
    db.session.commit()
    flash(f"Token '{token.name}' revoked; it no longer works.", "success")
    return redirect(url_for("api_tokens.index"))
