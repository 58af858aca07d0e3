"""Entry as fast as DHIS2: decimal comma, ranges beside each field, history for the jump warning, next step."""
import pytest

from benchclub.catalogue import list_kpis
from benchclub.extensions import db
from benchclub.kpis.forms import read_inputs
from benchclub.kpis.history import is_big_jump
from benchclub.kpis.validation import NotANumberError, accept_decimal_comma, parse_number
from tests.factories import add_value

from .test_http import stored


@pytest.mark.parametrize(("typed", "read"), [("97,5", 97.5), (" 0,150 ", 0.15), ("1 234,5", 1234.5), ("97.5", 97.5)])
def test_a_typed_decimal_comma_is_read_as_a_decimal_point(typed, read):
    assert parse_number(accept_decimal_comma(typed)) == read


def test_a_comma_that_may_be_a_thousands_separator_is_refused_not_guessed():
    with pytest.raises(NotANumberError):
        parse_number(accept_decimal_comma("1,000"))


def test_csv_numbers_keep_the_decimal_point_only():
    with pytest.raises(NotANumberError):
        parse_number("97,5")  # the CSV path does not call accept_decimal_comma


def test_member_saves_a_value_typed_with_a_decimal_comma(client, world, login_as):
    login_as("member_a")
    resp = client.post("/kpis/month/2025-02", data={"value-otd_pct": "97,5", "version-otd_pct": "0"})
    assert resp.status_code == 302
    assert stored(world.firms["A"], "otd_pct").value == 97.5


def test_forms_read_decimal_commas_for_every_kpi(world):
    kpis = list_kpis(world.club)
    inputs = read_inputs({"value-otd_pct": "96,25", "value-lead_time_days": "3"}, kpis)
    assert {i.kpi_code: i.text for i in inputs}["otd_pct"] == "96.25"


def test_entry_page_shows_ranges_and_the_usual_value_beside_each_field(client, world, login_as):
    add_value(world, "A", "inventory_turns", "2025-01", 16.5)
    db.session.commit()
    login_as("member_a")
    html = client.get("/kpis/month/2025-02").get_data(as_text=True)
    assert "usual 1\u201360, allowed 0\u2013500" in html.replace("&ndash;", "\u2013")
    assert 'data-usual="16.5"' in html and 'data-soft-min="1"' in html
    assert "js/entry.js" in html and "<script>" not in html  # checks run from a static file (CSP)
    assert "bc-sticky-save" in html


def test_a_drop_from_16_5_to_9_8_turns_is_a_big_jump_but_normal_noise_is_not(world):
    turns = next(k for k in list_kpis(world.club) if k.code == "inventory_turns")
    assert is_big_jump(9.8, 16.5, turns)
    assert not is_big_jump(15.9, 16.5, turns)
    assert not is_big_jump(9.8, None, turns)


def test_after_saving_the_page_offers_the_next_step(client, world, login_as):
    login_as("member_a")
    client.post("/kpis/month/2025-02", data={"value-otd_pct": "97.5", "version-otd_pct": "0"})
    html = client.get("/kpis/month/2025-02?saved=1").get_data(as_text=True)
    assert "data-next-step" in html and "See where you stand" in html
