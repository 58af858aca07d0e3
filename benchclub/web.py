"""Helpers the thin views share, so that every feature commits, flashes and shows domain errors the same way."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from werkzeug.wrappers import Response

from .errors import DomainError
from .extensions import db


def commit_or_flash(change: Callable[[], object], done: str, target: str) -> Response:
    """Run one service call; commit and flash `done`, or roll back and flash the rule that was broken."""
    try:
        change()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(target)
    db.session.commit()
    flash(done, "success")
    return redirect(target)


def show_error(form, exc: DomainError, default: str | None = None) -> None:
    """Put a service's error on the form field it names (else on `default`, else on top of the form)."""
    for name in (exc.field, default):
        target = getattr(form, name, None) if name else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, str(exc)]
            return
    form.form_errors.append(str(exc))
