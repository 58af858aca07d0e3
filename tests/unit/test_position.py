"""The member's position read model: quartile bars, trends, gap order and tail share from released figures."""
from types import SimpleNamespace

from benchclub.benchmarks.dashboard import KpiRow
from benchclub.benchmarks.disclosure import ReleasedStat
from benchclub.benchmarks.member.charts import compact
from benchclub.benchmarks.member.position import build_positions, by_gap, quartile_bar, tail_share_band, trend, weakest
from benchclub.templating import kpi_gap


def _kpi(code="otd_pct", higher=True, unit="% of order lines"):
    return SimpleNamespace(code=code, name=code, unit=unit, higher_is_better=higher)


def _row(kpi, stats, own=None, spark=()):
    stat = ReleasedStat(kpi.code, "all", 30, True, dict(stats), firm_value=own, percentile_rank=50)
    return KpiRow(kpi, stat, None, list(spark))


QUARTILES = {"p10": 80.0, "p25": 90.0, "p50": 95.0, "p75": 98.0, "p90": 99.0}


def test_better_is_always_to_the_right_of_the_bar():
    higher = quartile_bar(_row(_kpi(higher=True), QUARTILES, own=99.0))
    lower = quartile_bar(_row(_kpi(higher=False), QUARTILES, own=99.0))
    assert higher.own > higher.median  # a high value is good when higher is better
    assert lower.own < lower.median  # and bad when lower is better
    assert 0 <= min(higher.box) and max(higher.whisker) <= 200


def test_no_bar_when_the_middle_quartiles_are_withheld():
    assert quartile_bar(_row(_kpi(), {"p50": 95.0}, own=90.0)) is None


def test_ppm_bars_use_a_log_scale():
    ppm = _kpi("customer_reject_ppm", higher=False, unit="parts per million")
    bar = quartile_bar(_row(ppm, {"p25": 10.0, "p50": 100.0, "p75": 1000.0}))
    assert bar.log and abs((bar.box[1] - bar.median) - (bar.median - bar.box[0])) < 0.5  # decades equal width


def test_trend_is_direction_aware():
    assert trend([10, 10, 10, 12], higher_is_better=True) == "improving"
    assert trend([10, 10, 10, 12], higher_is_better=False) == "worsening"
    assert trend([10, 10, 10, 10.1], higher_is_better=True) == "steady"
    assert trend([None, 10], higher_is_better=True) is None


def test_weakest_orders_by_gap_relative_to_the_spread_and_skips_kpis_at_best_in_class():
    far = _row(_kpi("far"), QUARTILES, own=80.0)  # 18 behind P75 with a spread of 8
    near = _row(_kpi("near"), QUARTILES, own=97.0)  # 1 behind
    best = _row(_kpi("best"), QUARTILES, own=99.0)  # beyond
    board = SimpleNamespace(rows=[near, best, far])
    positions = build_positions(board)
    assert [p.kpi.code for p in by_gap(positions)] == ["far", "near", "best"]
    assert [p.kpi.code for p in weakest(positions)] == ["far", "near"]


def test_customer_measurement_is_shown_only_where_it_differs():
    board = SimpleNamespace(rows=[_row(_kpi(), QUARTILES, own=97.0)])
    assert build_positions(board, {"otd_pct": [("Gov", 97.0)]})[0].customer == []
    assert build_positions(board, {"otd_pct": [("Gov", 93.0)]})[0].customer == [("Gov", 93.0)]


def test_tail_share_band_reads_the_released_curve():
    stat = ReleasedStat("otd_pct", "all", 30, True, dict(QUARTILES))
    assert tail_share_band(stat, 96.5, higher_is_better=True) == (50, 75)  # between P50 and P75
    assert tail_share_band(stat, 96.5, higher_is_better=False) == (25, 50)
    assert tail_share_band(stat, 100.0, higher_is_better=True) == (90, 100)
    assert tail_share_band(ReleasedStat("x", "all", 5, False, {}), 1.0, True) is None


def test_gaps_of_percentages_are_percentage_points():
    assert kpi_gap(0.3, _kpi(unit="% of material used")) == "0.3 pp"
    assert kpi_gap(46.2, _kpi(unit="parts per million")) == "46.2 ppm"


def test_compact_tick_labels():
    assert compact(2500) == "2.5k" and compact(1_000_000) == "1M" and compact(50) == "50"
