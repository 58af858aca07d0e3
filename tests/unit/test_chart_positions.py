"""Placing a value on a released quantile curve (the governor's supplier chart)."""
from benchclub.benchmarks.charts import position_on_curve

CURVE = [(10, 2.0), (25, 4.0), (50, 6.0), (75, 10.0), (90, 20.0)]


def test_value_between_quantiles_is_interpolated():
    assert position_on_curve(5.0, CURVE) == 37.5
    assert position_on_curve(15.0, CURVE) == 82.5


def test_value_on_a_quantile_sits_on_it():
    assert position_on_curve(6.0, CURVE) == 50


def test_values_beyond_the_released_tails_are_drawn_just_outside():
    assert position_on_curve(1.0, CURVE) == 7
    assert position_on_curve(25.0, CURVE) == 93


def test_flat_segments_do_not_divide_by_zero():
    assert position_on_curve(4.0, [(25, 4.0), (50, 4.0), (75, 9.0)]) == 25
