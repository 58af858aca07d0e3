"""Configuration classes, read from the environment."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _default_sqlite_url() -> str:
    INSTANCE_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'benchclub.db'}"


class Config:
    """Settings shared by every environment; each may be overridden from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_sqlite_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(os.environ.get("SESSION_MINUTES", "120")))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=1)
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds the token
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024 + 64 * 1024  # 10 MB files plus form overhead
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "benchclub@localhost")
    PASSWORD_HASH_METHOD = "scrypt"
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    TESTING = False
    DEBUG = False
    # Number of trusted reverse proxies in front of gunicorn (0: use the socket's address). See README.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR") or os.environ.get("TRUSTED_PROXIES") or "0")
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "0") == "1"
    REDIS_URL = os.environ.get("REDIS_URL") or None  # rate limits, page cache and jobs use Redis when set
    PAGE_CACHE = os.environ.get("PAGE_CACHE", "1") == "1"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # "json": one JSON line per log record (production)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    JOBS_INLINE = os.environ.get("JOBS_INLINE", "0") == "1"  # without REDIS_URL jobs always run inline
    JOB_IMPORT_BYTES = int(os.environ.get("JOB_IMPORT_BYTES", str(512 * 1024)))  # larger imports run as jobs
    JOB_FOLDER = os.environ.get("JOB_FOLDER")  # job results (PDFs); default instance/jobs


class DevelopmentConfig(Config):
    """Local development: debug on, SQLite in instance/ unless DATABASE_URL says otherwise."""

    DEBUG = True


class TestingConfig(Config):
    """Tests: a throw-away database (TEST_DATABASE_URL or in-memory SQLite), no rate limit."""

    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    LOGIN_RATE_LIMIT = "100000 per minute"  # tests log in thousands of times; one test lowers it
    JOBS_INLINE = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast in tests only
    PAGE_CACHE = False  # rolled-back tests reuse ids; the page-cache tests switch it on with a fresh store
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    """Production: refuses to start without a real SECRET_KEY; secure cookies."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    @classmethod
    def validate(cls) -> None:
        """Fail fast on settings that must never default in production."""
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by BENCHCLUB_ENV (default development)."""
    return CONFIGS[os.environ.get("BENCHCLUB_ENV", "development")]


def startup_problem(*, from_cli: bool = False) -> str | None:
    """Why a server must not start with this environment (one line), or None."""
    env = os.environ.get("BENCHCLUB_ENV")
    if env is None:
        if from_cli or os.environ.get("BENCHCLUB_ALLOW_DEV") == "1":
            return None
        return ("BENCHCLUB_ENV is not set: refusing to serve with development settings (debug, public secret key). "
                "Set BENCHCLUB_ENV=production and SECRET_KEY, or BENCHCLUB_ALLOW_DEV=1 for a local trial.")
    if env not in CONFIGS:
        return f"BENCHCLUB_ENV={env!r} is not one of {', '.join(CONFIGS)}."
    if env == "production" and not os.environ.get("SECRET_KEY"):
        return "SECRET_KEY must be set in production (a long random string, e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
    return None
