"""Role and visibility decisions that used to live in the features now come from permissions.py, unchanged."""
from __future__ import annotations

from benchclub.models import HostStatus, Workshop
from benchclub.permissions import (
    ImportReach,
    facilitated_club,
    facilitated_club_id,
    is_workshop_published,
    value_import_reach,
    works_in_club,
)


def test_each_role_imports_values_with_its_own_reach(world):
    reach = {who: value_import_reach(world.users[who]) for who in ("member_a", "gov_consented", "facilitator", "admin")}
    assert reach == {"member_a": ImportReach.OWN_FIRM, "gov_consented": ImportReach.LINKED_SUPPLIERS,
                     "facilitator": ImportReach.CLUB, "admin": ImportReach.ALL}
    assert value_import_reach(None) == ImportReach.ALL  # the CLI without --as


def test_only_a_facilitator_runs_a_club_of_its_own(world):
    assert facilitated_club(world.users["facilitator"]) == world.club
    assert facilitated_club_id(world.users["other_facilitator"]) == world.other_club.id
    assert facilitated_club(world.users["admin"]) is None  # the admin runs every club and picks one
    assert facilitated_club(world.users["member_a"]) is None


def test_a_user_is_shown_only_its_own_club_except_the_admin(world):
    assert works_in_club(world.users["member_a"], world.club)
    assert not works_in_club(world.users["member_x"], world.club)
    assert not works_in_club(world.users["other_facilitator"], world.club.id)
    assert works_in_club(world.users["admin"], world.other_club)


def test_members_see_a_workshop_once_its_host_agreed_or_when_it_has_none():
    assert is_workshop_published(Workshop(host_firm_id=None, host_status=HostStatus.PENDING))
    assert not is_workshop_published(Workshop(host_firm_id=7, host_status=HostStatus.PENDING))
    assert not is_workshop_published(Workshop(host_firm_id=7, host_status=HostStatus.DECLINED))
    assert is_workshop_published(Workshop(host_firm_id=7, host_status=HostStatus.AGREED))
