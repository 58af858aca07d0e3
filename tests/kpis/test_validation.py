"""One value against its KPI's rules: numbers only, finite, hard range rejected, soft range needs a comment."""
from types import SimpleNamespace

import pytest

from benchclub.kpis.validation import (
    CommentRequiredError,
    NotANumberError,
    NotFiniteError,
    OutOfRangeError,
    check_value,
    describe,
    parse_number,
    plain_number,
)

OTD = SimpleNamespace(code="otd_pct", name="On-time delivery", unit="% of order lines",
                      hard_min=0, hard_max=100, soft_min=50, soft_max=100)


@pytest.mark.parametrize("text, expected", [("97.5", 97.5), ("0", 0.0), (" 12 ", 12.0), ("-0.5", -0.5), (".5", 0.5)])
def test_plain_decimal_numbers_are_read(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "97,5", "1,000", "12%", "1e3", "", "--1"])
def test_non_numeric_text_is_rejected(text):
    with pytest.raises(NotANumberError):
        parse_number(text)


def test_comma_decimal_gets_a_hint_about_the_decimal_point():
    with pytest.raises(NotANumberError, match="'.' as the decimal point"):
        parse_number("97,5")


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-Infinity", "+inf"])
def test_nan_and_infinity_are_rejected(text):
    with pytest.raises(NotFiniteError, match="not a finite number"):
        parse_number(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_floats_are_rejected_by_the_range_check_too(value):
    with pytest.raises(NotFiniteError):
        check_value(OTD, value)


@pytest.mark.parametrize("value", [-0.1, 100.01, 250])
def test_hard_range_violation_names_the_kpi_and_the_range(value):
    with pytest.raises(OutOfRangeError) as caught:
        check_value(OTD, value, comment="a comment does not help")
    message = str(caught.value)
    assert "On-time delivery" in message and "between 0 and 100" in message


def test_soft_range_violation_needs_a_comment():
    with pytest.raises(CommentRequiredError, match="usual range 50 to 100"):
        check_value(OTD, 40)


def test_soft_range_violation_with_a_comment_is_stored_flagged():
    checked = check_value(OTD, 40, comment="Strike at the port")
    assert (checked.value, checked.flagged, checked.comment) == (40.0, True, "Strike at the port")


def test_value_inside_the_soft_range_is_not_flagged():
    assert check_value(OTD, 97.5).flagged is False


def test_hard_range_bounds_are_inclusive():
    assert check_value(OTD, 100).value == 100.0
    assert check_value(OTD, 0, comment="nothing shipped on time").value == 0.0


def test_nil_return_is_explicit_and_never_zero():
    checked = check_value(OTD, None, is_nil=True)
    assert checked.is_nil and checked.value is None and not checked.flagged
    assert describe(None, True) == "not measured"


def test_missing_value_without_nil_is_rejected():
    with pytest.raises(NotANumberError, match="not measured"):
        check_value(OTD, None)


@pytest.mark.parametrize("value, text", [(97.5, "97.5"), (1_000_000.0, "1000000"), (0.00001, "0.00001"), (3.0, "3")])
def test_numbers_are_written_back_in_a_form_the_parser_reads_exactly(value, text):
    assert plain_number(value) == text
    assert parse_number(plain_number(value)) == value
