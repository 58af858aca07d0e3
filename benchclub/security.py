"""HTTP hardening in one place: security headers, no-store caching, NUL refusal, bounded ids, proxies."""
from __future__ import annotations

import logging

from flask import Flask, abort, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

#: The largest id a route accepts: PostgreSQL INTEGER columns stop here, so a larger one is simply "not found".
MAX_ROUTE_ID = 2**31 - 1

#: Scripts only from our own origin (no inline script, no eval); styles may be inline because Plotly
#: sizes its SVG with style attributes. Nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

#: Endpoints whose responses are public and may be cached (everything else is no-store).
CACHEABLE_ENDPOINTS = {"static", "vendor.asset"}

#: Libraries that log every font and stylesheet at INFO while a PDF renders.
NOISY_LOGGERS = ("weasyprint", "fontTools", "fontTools.subset", "fontTools.ttLib", "kaleido", "choreographer")

talisman = Talisman()


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that refuses ids no database row can have (a 20-digit id is a 404, not a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ROUTE_ID if max is None else max,
                         signed=signed)


def register_converters(app: Flask) -> None:
    """Must run before the blueprints add their rules."""
    app.url_map.converters["int"] = BoundedIntConverter


def register(app: Flask) -> None:
    """Headers, caching, input guards, proxy trust and quiet PDF logs for this app."""
    talisman.init_app(
        app,
        force_https=app.config.get("FORCE_HTTPS", False),
        strict_transport_security=True,
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
    )
    app.before_request(refuse_nul_bytes)
    app.after_request(no_store_unless_public)
    _trust_proxies(app)
    if not app.debug and not app.testing:
        for name in NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


def _has_nul(value: str) -> bool:
    return "\x00" in value


def refuse_nul_bytes() -> None:
    """A NUL byte can't be stored in PostgreSQL text and is never legitimate input: answer 400."""
    if _has_nul(request.path):
        abort(400)
    for multi in (request.args, request.form):
        for key, value in multi.items(multi=True):
            if _has_nul(key) or _has_nul(value):
                abort(400)
    for key, storage in request.files.items(multi=True):
        if _has_nul(key) or _has_nul(storage.filename or ""):
            abort(400)
    if request.is_json:
        data = request.get_data(cache=True)
        if b"\x00" in data or b"\\u0000" in data:
            abort(400)


def no_store_unless_public(response):
    """Confidential pages and downloads must not stay in a browser or proxy cache."""
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _trust_proxies(app: Flask) -> None:
    """Behind N trusted reverse proxies, read the client address from X-Forwarded-For (rate limits per client)."""
    hops = int(app.config.get("PROXY_FIX_X_FOR", 0) or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
