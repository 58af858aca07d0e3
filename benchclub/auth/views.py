"""Login, logout and invitation acceptance."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import db, limiter
from . import services
from .forms import ForgotPasswordForm, LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths after login: no scheme, no host, no backslash or control character."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("dashboards.home")
    if any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target):
        return url_for("dashboards.home")
    # Browsers drop tab/newline and read "/\t/evil" as "//evil"; refuse anything that parses with a host.
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("dashboards.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Wrong e-mail or password.")
            return render_template("auth/login.html", form=form), 401
        session.permanent = True
        login_user(user)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user)  # a copied cookie stops working too
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    try:
        user = services.find_invited_user(token)
    except DomainError as exc:
        return render_template("errors/error.html", code=404, title="Invitation not valid", message=str(exc)), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(token, form.password.data, form.name.data or "")
        except DomainError as exc:
            form.password.errors.append(str(exc))
            return render_template("auth/invite.html", form=form, user=user), 422
        db.session.commit()
        flash("Your password is set. Please log in.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/invite.html", form=form, user=user)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    """Self-service reset: the link goes only to the account's own mailbox; the answer never says if it exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash("If an active account has this e-mail address, a link to set a new password is on its way.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)
