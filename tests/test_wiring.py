"""Features plug in explicitly from create_app: importing a module registers nothing, and the imports have no cycles."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from flask import Flask

from benchclub import FEATURES, create_app
from benchclub.dashboards.panels import panels_for
from benchclub.events import governor_added, period_closed
from config import TestingConfig

ROOT = Path(__file__).resolve().parent.parent


def test_importing_panels_and_subscribers_registers_nothing_on_an_app():
    for module in ("benchclub.kpis.panels", "benchclub.ladder.panels", "benchclub.ladder.evaluation"):
        importlib.import_module(module)
    bare = Flask("bare")
    with bare.app_context():
        assert panels_for(object()) == []  # no feature handed this app a panel


def test_each_feature_registers_its_blueprint_panels_and_subscribers_once(app):
    again = create_app(TestingConfig)
    for built in (app, again):
        assert {name for name in FEATURES} <= set(built.blueprints)
        providers = built.extensions["benchclub.home_panels"]
        assert len(providers) == len(set(providers)) > 0  # a second create_app adds no duplicate panel
    closers = [r.__name__ for r in period_closed.receivers_for(object())]
    assert sorted(closers) == ["_on_period_closed", "_publish_on_close"]
    assert closers == ["_publish_on_close", "_on_period_closed"]  # publish first, then evaluate ladders
    assert [r.__name__ for r in governor_added.receivers_for(object())] == ["on_governor_added"]


def test_the_package_has_no_import_cycles():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import grimp
        from structure_report import import_cycles
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert import_cycles(grimp.build_graph("benchclub", cache_dir=None)) == []
