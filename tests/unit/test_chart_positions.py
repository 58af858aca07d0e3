"""Placing a governor's consenting supplier on the chart: in its quartile band, never exactly (rule 7)."""
import pytest

from benchclub.benchmarks.charts import band_position
from benchclub.benchmarks.disclosure import ReleasedStat, quartile_band

STAT = ReleasedStat("otd_pct", "all", 20, True, {"p10": 70.0, "p25": 80.0, "p50": 90.0, "p75": 95.0, "p90": 98.0})


@pytest.mark.parametrize(("value", "band"), [(60.0, "bottom quarter"), (79.9, "bottom quarter"),
                                             (80.0, "second quarter"), (89.0, "second quarter"),
                                             (90.0, "third quarter"), (94.9, "third quarter"),
                                             (95.0, "top quarter"), (100.0, "top quarter")])
def test_higher_is_better_bands_follow_the_released_quartiles(value, band):
    assert quartile_band(value, STAT, True) == band


@pytest.mark.parametrize(("value", "band"), [(60.0, "top quarter"), (80.0, "top quarter"), (85.0, "third quarter"),
                                             (90.0, "third quarter"), (91.0, "second quarter"),
                                             (95.0, "second quarter"), (95.1, "bottom quarter")])
def test_lower_is_better_bands_mirror_them(value, band):
    assert quartile_band(value, STAT, False) == band


def test_no_band_when_a_quartile_or_the_group_is_withheld():
    assert quartile_band(85.0, ReleasedStat("otd_pct", "all", "5-9", True, {"p25": 80.0, "p50": 90.0}), True) is None
    assert quartile_band(85.0, ReleasedStat("otd_pct", "all", "5-9", False, {}), True) is None


def test_a_band_is_drawn_at_its_middle_on_the_ascending_percentile_axis():
    assert [band_position(b, True) for b in ("bottom quarter", "top quarter")] == [12.5, 87.5]
    assert [band_position(b, False) for b in ("bottom quarter", "top quarter")] == [87.5, 12.5]
    assert band_position("second quarter", True) == 37.5 and band_position("second quarter", False) == 62.5
