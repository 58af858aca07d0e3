"""Issue 10: security headers, no-store, NUL bytes, huge ids, the trusted proxy and inline-script-free templates."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchclub import create_app
from config import TestingConfig

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_pages_carry_the_security_headers(client, world, login_as):
    login_as("member_a")
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["Cache-Control"] == "no-store"


def test_the_login_page_has_headers_too(client, world):
    resp = client.get("/login")
    assert "Content-Security-Policy" in resp.headers and resp.headers["Cache-Control"] == "no-store"


def test_downloads_are_not_cached(client, world, login_as):
    login_as("member_a")
    for url in ("/kpis/export.csv", "/kpis/template.csv"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"


def test_vendored_assets_may_be_cached(client, world):
    resp = client.get("/vendor/bootstrap/css/bootstrap.min.css")
    assert resp.status_code == 200 and "no-store" not in resp.headers.get("Cache-Control", "")


def test_templates_have_no_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.name}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


@pytest.mark.parametrize("url", ["/login?next=%00", "/?q=a%00b", "/benchmarks?kpi=%00"])
def test_nul_byte_in_a_query_parameter_is_a_400(client, world, url):
    assert client.get(url).status_code == 400


def test_nul_byte_in_the_login_form_is_a_400(client, world):
    resp = client.post("/login", data={"email": "a\x00@alpha.test", "password": "x\x00y"})
    assert resp.status_code == 400


def test_nul_byte_in_a_logged_in_form_is_a_400(client, world, login_as):
    login_as("facilitator")
    resp = client.post("/club/users", data={"email": "n\x00@alpha.test", "role": "member", "name": "\x00"})
    assert resp.status_code == 400


def _url_with(rule, int_value: str) -> str:
    def fill(match):
        converter = match.group(1) or "default"
        return int_value if converter == "int" else "x"
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", fill, rule.rule)


def test_twenty_digit_ids_are_404_in_every_int_route(app, client, world, login_as):
    login_as("admin")
    failures, tried = [], 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        url = _url_with(rule, "9" * 20)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            tried += 1
            resp = client.open(url, method=method)
            if resp.status_code != 404:
                failures.append(f"{method} {url}: {resp.status_code}")
    assert tried > 30 and failures == []


def test_a_huge_id_is_not_found(client, world, login_as):
    login_as("admin")
    assert client.get("/workshops/" + "9" * 20).status_code == 404


def _app_with(monkeypatch_config: dict):
    class Config(TestingConfig):
        pass

    for key, value in monkeypatch_config.items():
        setattr(Config, key, value)
    return create_app(Config)


def test_without_a_trusted_proxy_every_forwarded_address_is_ignored():
    app = _app_with({"PROXY_FIX_X_FOR": 0})

    @app.get("/_addr")
    def _addr():
        from flask import request
        return request.remote_addr or ""

    resp = app.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.9"},
                                 environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert resp.text == "10.0.0.1"


def test_behind_one_trusted_proxy_the_client_address_is_read_from_x_forwarded_for():
    app = _app_with({"PROXY_FIX_X_FOR": 1})

    @app.get("/_addr")
    def _addr():
        from flask import request
        return request.remote_addr or ""

    resp = app.test_client().get("/_addr", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},
                                 environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert resp.text == "203.0.113.9"
