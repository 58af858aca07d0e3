"""BenchClub: the platform supplier-development benchmarking clubs run on."""
from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path

from flask import Flask

from config import Config, ProductionConfig, config_from_env

from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# Each feature package exposes `register(app)` in its __init__: blueprint, CLI, home panels, event subscribers.
# Registration order matters where it is visible: home panels of equal order, period_closed receivers.
FEATURES = (
    "auth",
    "dashboards",
    "clubs",
    "kpis",
    "periods",
    "certifications",
    "consents",
    "benchmarks",
    "workshops",
    "ladder",
    "reports",
    "notifications",
    "jobs",
)


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, CLI."""
    config = config or config_from_env()
    if issubclass(config, ProductionConfig):
        ProductionConfig.validate()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config)
    if issubclass(config, ProductionConfig):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # read now, never a class-time default
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    register_api(app)
    register_performance(app)
    if app.testing:
        _isolate_requests_in_tests(app)
    if not app.debug and not app.testing and app.config.get("LOG_FORMAT") != "json":
        logging.basicConfig(level=logging.INFO)
    return app


def _isolate_requests_in_tests(app: Flask) -> None:
    """Tests keep one app context pushed, so `g` outlives a request; forget the cached user."""
    from flask import g

    @app.before_request
    def _forget_cached_user() -> None:
        g.pop("_login_user", None)


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)
    from . import models  # noqa: F401  (register tables)
    from .auth.services import load_user

    login_manager.user_loader(load_user)


def register_security(app: Flask) -> None:
    """Headers, caching, input guards, bounded ids and proxy trust (benchclub/security.py)."""
    from .security import register, register_converters

    register_converters(app)
    register(app)


def register_blueprints(app: Flask) -> None:
    """Plug each feature in by name (its own register(app)), plus the vendored static assets."""
    from .vendor import bp as vendor_bp

    app.register_blueprint(vendor_bp)
    for name in FEATURES:
        feature = importlib.import_module(f".{name}", __name__)
        feature.register(app)


def register_errorhandlers(app: Flask) -> None:
    """Friendly 403, 404, 413 and 500 pages; JSON for API-style requests."""
    from .errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use (formatting only, no logic)."""
    from .templating import register

    register(app)


def register_cli(app: Flask) -> None:
    """Attach the app-wide `flask seed` commands (each feature attaches its own in register(app))."""
    from .seed import register_cli as register_seed_cli

    register_seed_cli(app)
    from .backup import register_cli as register_backup_cli

    register_backup_cli(app)


def register_api(app: Flask) -> None:
    """The JSON API, its token page and its reference (issue 12): registered here, explicitly."""
    from .api import register

    register(app)


def register_performance(app: Flask) -> None:
    """Page cache, request ids and JSON request logs, background jobs (issue 11)."""
    from . import observability, pagecache, sqlite_tuning

    sqlite_tuning.register(app)
    pagecache.register(app)
    observability.register(app)
