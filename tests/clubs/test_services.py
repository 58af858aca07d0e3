"""Club services: firms, people, the KPI catalogue and the audit-log query."""
import pytest
import sqlalchemy as sa

from benchclub.auth.services import find_invited_user
from benchclub.catalogue import list_kpis
from benchclub.clubs import people, queries, services
from benchclub.errors import DomainError
from benchclub.models import AuditEntry, Role


def _audit(db, entity):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)).all()


def test_update_firm_audits_each_changed_field(world, db):
    firm = world.firms["A"]
    services.update_firm(firm, name="Alpha Castings Ltd", country="ZA", sector="Castings", employees=60, active=True,
                         actor=world.users["facilitator"])
    updates = [(e.summary, e.old_value, e.new_value) for e in _audit(db, "firm") if e.action == "update"]
    assert updates == [("SUP-A.name", "Alpha Castings", "Alpha Castings Ltd"), ("SUP-A.employees", "45", "60")]
    assert firm.size_band == "medium"


def test_update_firm_rejects_blank_name(world):
    with pytest.raises(DomainError) as exc:
        services.update_firm(world.firms["A"], name=" ", country="ZA", sector="Castings", employees=1, active=True,
                             actor=None)
    assert exc.value.field == "name"


def test_invite_user_issues_a_working_token(world):
    user, token = people.invite_user(world.club, "new@alpha.test", "member", firm=world.firms["A"],
                                     actor=world.users["facilitator"])
    assert user.password_hash is None and find_invited_user(token).id == user.id


def test_invite_facilitator_joins_the_club_not_a_firm(world):
    user, _ = people.invite_user(world.club, "co@club.test", Role.FACILITATOR, firm=world.firms["A"], actor=None)
    assert user.club_id == world.club.id and user.firm_id is None


@pytest.mark.parametrize("role, firm_key, field", [
    ("admin", None, "role"),
    ("wizard", None, "role"),
    ("member", "X", "firm"),      # a firm of the other club
    ("member", "G1", "firm"),     # a member needs a supplier firm
    ("governor", "A", "firm"),
    ("member", None, "firm"),
])
def test_invite_user_rejects_wrong_roles_and_firms(world, role, firm_key, field):
    firm = world.firms[firm_key] if firm_key else None
    with pytest.raises(DomainError) as exc:
        people.invite_user(world.club, "p@x.test", role, firm=firm, actor=None)
    assert exc.value.field == field


def test_deactivating_a_user_is_audited_and_refused_for_oneself(world, db):
    fac = world.users["facilitator"]
    people.set_user_active(world.users["member_b"], False, actor=fac)
    assert world.users["member_b"].active is False
    assert [e.action for e in _audit(db, "user")][-1] == "deactivate"
    with pytest.raises(DomainError):
        people.set_user_active(fac, False, actor=fac)


def test_reinvite_replaces_the_old_link_and_refuses_deactivated_users(world):
    user, first = people.invite_user(world.club, "n@alpha.test", "member", firm=world.firms["A"], actor=None)
    second = people.reinvite_user(user, actor=None)
    assert find_invited_user(second).id == user.id
    with pytest.raises(DomainError):
        find_invited_user(first)
    people.set_user_active(user, False, actor=None)
    with pytest.raises(DomainError):
        people.reinvite_user(user, actor=None)


KPI = {"code": "energy_kwh", "name": "Energy", "unit": "kWh per part", "direction": "lower",
       "hard_min": 0, "hard_max": 100, "soft_min": 0, "soft_max": 50}


def test_save_kpi_definition_adds_and_edits_with_audit(world, db):
    kpi = services.save_kpi_definition(world.club, KPI, actor=world.users["facilitator"])
    assert kpi.position == 9 and kpi.bin_edges[0] == 0 and kpi.bin_edges[-1] == 100
    services.save_kpi_definition(world.club, {**KPI, "soft_max": 40, "active": False}, kpi=kpi, actor=None)
    changes = {e.summary: (e.old_value, e.new_value) for e in _audit(db, "kpi_definition") if e.action == "update"}
    assert changes["energy_kwh.soft_max"] == ("50.0", "40.0")
    assert changes["energy_kwh.active"] == ("True", "False")
    assert kpi not in list_kpis(world.club)


@pytest.mark.parametrize("change, field", [
    ({"code": "Bad Code"}, "code"),
    ({"code": "otd_pct"}, "code"),
    ({"name": ""}, "name"),
    ({"unit": ""}, "unit"),
    ({"direction": "sideways"}, "direction"),
    ({"hard_min": "abc"}, "hard_min"),
    ({"hard_max": float("inf")}, "hard_max"),
    ({"hard_max": 0}, "hard_max"),
    ({"soft_max": 150}, "soft_min"),
])
def test_save_kpi_definition_rejects_bad_definitions(world, change, field):
    with pytest.raises(DomainError) as exc:
        services.save_kpi_definition(world.club, {**KPI, **change}, actor=None)
    assert exc.value.field == field


def test_list_audit_filters_and_pages_within_the_club(world, db):
    result = queries.list_audit(world.club, entity="firm", per_page=2)
    assert result.total == 5 and result.pages == 3 and len(result.entries) == 2
    assert all(e.club_id == world.club.id for e in result.entries)
    other = queries.list_audit(world.other_club, entity="firm")
    assert [e.summary for e in other.entries] == ["firm SUP-X (supplier)"]


def test_list_club_users_includes_firm_staff_and_facilitators_only_of_that_club(world):
    emails = {u.email for u in queries.list_club_users(world.club)}
    assert "fac@club.test" in emails and "a@alpha.test" in emails and "g3@epsilon.test" in emails
    assert not emails & {"x@xi.test", "fac@other.test", "admin@benchclub.test"}
