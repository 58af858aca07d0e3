"""The JSON API (issue 12): Bearer tokens, /api/v1 endpoints, the OpenAPI document and its reference page.

`register(app)` is called explicitly from create_app; nothing here registers itself on import.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

API_DEFAULTS = {
    "API_TITLE": "BenchClub API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_RATE_LIMIT": "300 per minute",
}


class BenchClubApi(Api):
    """flask-smorest's Api without its app-wide error handler: problem+json is answered under /api only."""

    def _register_error_handlers(self) -> None:  # the app's HTML error pages stay as they are
        return None

    def _register_responses(self) -> None:
        """Every undocumented error is a problem+json document too."""
        from flask_smorest.utils import prepare_response

        from .problems import PROBLEM_TYPE
        from .schemas import Problem

        response = {"description": "An error, as application/problem+json", "schema": Problem}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def register(app: Flask) -> None:
    """Blueprints (API, token page, reference page), problem+json errors, CSRF exemption and `flask tokens`."""
    from ..extensions import csrf
    from . import account_views, auth, cli, problems, reference
    from .views import bp

    for key, value in API_DEFAULTS.items():
        app.config.setdefault(key, value)
    api = BenchClubApi(app, spec_kwargs={"info": {"description": reference.DESCRIPTION}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "description": "A personal API token"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    csrf.exempt(bp)
    api.register_blueprint(bp)
    app.register_blueprint(account_views.bp)
    app.register_blueprint(reference.bp)
    problems.install(app)
    app.session_interface = auth.SessionlessApi(app.session_interface)
    app.extensions["benchclub-api"] = api
    cli.register_cli(app)
