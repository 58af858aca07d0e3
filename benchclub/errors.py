"""Error pages and domain errors shared by the features."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request


class DomainError(Exception):
    """A rule was broken; the message is meant for the person who broke it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class PermissionDeniedError(DomainError):
    """The actor may not do this to this object."""


class NotFoundError(DomainError):
    """A referenced code or record does not exist."""


class ConflictError(DomainError):
    """Someone else changed the record since it was read."""


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    """Render 403, 404, 413, 429 and 500 as pages (or JSON for API clients)."""

    def handler(code: int, title: str, message: str):
        def handle(error):
            if code == 500:
                from .extensions import db

                db.session.rollback()
            if _wants_json():
                return jsonify(error=title, message=message), code
            return render_template("errors/error.html", code=code, title=title, message=message), code

        return handle

    app.register_error_handler(403, handler(403, "Not allowed", "You do not have access to this page."))
    app.register_error_handler(404, handler(404, "Not found", "There is nothing at this address."))
    app.register_error_handler(
        413, handler(413, "File too large", "Uploads are limited to 10 MB. Split the file and try again.")
    )
    app.register_error_handler(
        429, handler(429, "Too many attempts", "Too many attempts in a short time. Wait a minute and try again.")
    )
    app.register_error_handler(
        500, handler(500, "Something went wrong", "The error was logged. Nothing was saved; please try again.")
    )
