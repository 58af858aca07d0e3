"""Configuration from the environment; production refuses to run without a secret key."""
import pytest

from benchclub import create_app
from config import DevelopmentConfig, ProductionConfig, config_from_env


def test_production_refuses_a_missing_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s3cret-for-the-test")

    class Prod(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.db'}"

    app = create_app(Prod)
    assert app.config["SECRET_KEY"] == "s3cret-for-the-test"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug


def test_environment_picks_the_configuration(monkeypatch):
    monkeypatch.setenv("BENCHCLUB_ENV", "development")
    assert config_from_env() is DevelopmentConfig
    monkeypatch.setenv("BENCHCLUB_ENV", "production")
    assert config_from_env() is ProductionConfig
