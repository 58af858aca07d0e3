"""The KPI catalogue kernel (benchclub/catalogue.py): one copy of the default catalogue and of a club's lookups."""
from benchclub.catalogue import default_catalogue, find_kpi, list_kpis
from benchclub.clubs.services import create_club


def test_a_new_club_gets_the_default_catalogue_in_order(db):
    club = create_club("CAT", "Catalogue club")
    assert [k.code for k in list_kpis(club)] == [spec["code"] for spec in default_catalogue()]


def test_find_kpi_by_code_skips_retired_kpis_unless_asked(world, db):
    kpi = list_kpis(world.club)[0]
    assert find_kpi(world.club, kpi.code) is kpi
    assert find_kpi(world.club.id, "no_such_kpi") is None
    kpi.active = False
    db.session.flush()
    assert find_kpi(world.club, kpi.code) is None and kpi not in list_kpis(world.club)
    assert find_kpi(world.club, kpi.code, active_only=False) is kpi
    assert kpi in list_kpis(world.club, active_only=False)


def test_another_clubs_kpi_is_not_found(world, db):
    other = create_club("CAT2", "Other club")
    code = list_kpis(world.club)[0].code
    assert find_kpi(other, code) is not find_kpi(world.club, code)
    assert find_kpi(other, code).club_id == other.id
