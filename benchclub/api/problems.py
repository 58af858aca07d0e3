"""Errors as `application/problem+json` (RFC 9457) under /api, with a message a person understands."""
from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException, default_exceptions

from ..errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# What a person should read for each status, when the code that raised it gave no message of its own.
MESSAGES = {
    400: "The request could not be read. Send JSON with Content-Type: application/json.",
    401: "Send a valid API token as 'Authorization: Bearer TOKEN'. Tokens are made on your account page.",
    403: "Your account or token may not do this.",
    404: "There is nothing at this address, or you may not see it.",
    405: "This address does not accept that method; see /api/v1/openapi.json for the allowed ones.",
    409: "The request conflicts with the current state of the record.",
    412: "The record changed since you read it. Read it again (GET) and send the new ETag in If-Match.",
    413: "The request is too large.",
    415: "Send the body as JSON with Content-Type: application/json.",
    422: "Some fields are invalid; see 'errors'.",
    428: "This write replaces a stored record: send If-Match with the ETag you read (or '*' to overwrite).",
    429: "Too many requests with this token. Wait for the number of seconds in Retry-After, then try again.",
    500: "Something went wrong on our side; nothing was saved. Please try again.",
}


class ApiProblem(Exception):
    """Raised in API code to answer with a problem document: status, message, optional item errors."""

    def __init__(self, status: int, detail: str, *, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers or {}


def problem(status: int, detail: str | None = None, *, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """One problem document."""
    title = default_exceptions[status].__name__ if status in default_exceptions else "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": _spaced(title), "status": status,
                            "detail": detail or MESSAGES.get(status, title), "instance": request.path}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _spaced(name: str) -> str:
    """'PreconditionFailed' -> 'Precondition Failed'."""
    return "".join(" " + c if c.isupper() and i else c for i, c in enumerate(name))


def _field_errors(messages: Any, prefix: str = "") -> list[dict[str, Any]]:
    """webargs/marshmallow messages -> [{index?, field, reason}] (items of a batch keep their index)."""
    out: list[dict[str, Any]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "headers", "form", "path") and not prefix:
                out.extend(_field_errors(value))
            elif key == "items" and isinstance(value, dict) and all(isinstance(k, int) for k in value):
                for index, item in value.items():
                    out.extend({"index": index, **e} for e in _field_errors(item))
            else:
                out.extend(_field_errors(value, f"{prefix}{key}"))
    elif isinstance(messages, list):
        out.extend({"field": prefix or "", "reason": str(m)} for m in messages)
    else:
        out.append({"field": prefix or "", "reason": str(messages)})
    return out


def _retry_after() -> str:
    from ..extensions import limiter

    current = getattr(limiter, "current_limit", None)
    if current is None:
        return "60"
    return str(max(1, int(current.reset_at - time.time()) + 1))


def http_problem(error: HTTPException) -> Response:
    """Any HTTP error under /api as a problem document (validation errors listed field by field)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = _field_errors(data.get("messages")) if data.get("messages") else None
    detail = data.get("message") or MESSAGES.get(status) or error.description
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="benchclub"')
    if status == 429:
        headers["Retry-After"] = _retry_after()
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 500:
        from ..extensions import db

        db.session.rollback()
    return problem(status, detail, errors=errors, headers=headers)


def api_problem(error: ApiProblem) -> Response:
    from ..extensions import db

    db.session.rollback()
    return problem(error.status, error.detail, errors=error.errors, headers=error.headers)


def domain_problem(error: DomainError) -> Response:
    """A service's domain error: its message is already meant for the person."""
    from ..extensions import db

    db.session.rollback()
    status = 422
    if isinstance(error, PermissionDeniedError):
        status = 403
    elif isinstance(error, NotFoundError):
        status = 404
    elif isinstance(error, ConflictError):
        status = 409
    errors = [{"field": error.field, "reason": str(error)}] if error.field else None
    return problem(status, str(error), errors=errors)


def install(app: Flask) -> None:
    """Answer every HTTP error under /api with problem+json; elsewhere keep the pages the app had."""
    for status in MESSAGES:
        exc_class = default_exceptions[status]
        previous = app.error_handler_spec[None].get(status, {}).get(exc_class)
        app.register_error_handler(status, _delegating(previous))


def _delegating(previous):
    def handle(error: HTTPException):
        if request.path.startswith(API_PREFIX):
            return http_problem(error)
        if previous is not None:
            return previous(error)
        return error

    return handle
