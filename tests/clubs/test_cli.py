"""The club set-up commands: thin wrappers that commit on success and exit non-zero on bad input."""
import json

import sqlalchemy as sa

from benchclub.models import AuditEntry, Club, Firm, KpiDefinition, PeriodStatus, Role, SupplyLink, User
from benchclub.periods.services import find_period


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_clubs_create_makes_a_club_with_the_default_catalogue(runner, db):
    result = runner.invoke(args=["clubs", "create", "ZA-AUTO", "--name", "SA Auto Components"])
    assert result.exit_code == 0, result.output
    club = db.session.scalar(sa.select(Club).where(Club.code == "ZA-AUTO"))
    kpis = db.session.scalars(sa.select(KpiDefinition.code).where(KpiDefinition.club_id == club.id)).all()
    assert "otd_pct" in kpis and len(kpis) == 9


def test_clubs_create_refuses_a_duplicate_code(runner, world):
    result = runner.invoke(args=["clubs", "create", "C1", "--name", "Again"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_firms_import_then_list_json(runner, world, tmp_path, db):
    path = _write(tmp_path, "firms.csv", "club,code,name,kind,country,sector,employees\n"
                                         "C1,SUP-N,Nu Forge,supplier,ZA,Forging,8\n")
    result = runner.invoke(args=["firms", "import", path])
    assert result.exit_code == 0, result.output
    assert "Imported 1 firm(s)." in result.output
    listed = json.loads(runner.invoke(args=["firms", "list", "--club", "C1", "--json"]).output)
    assert {f["code"] for f in listed} == {"SUP-A", "SUP-B", "SUP-N", "GOV-1", "GOV-2", "GOV-3"}
    nu = next(f for f in listed if f["code"] == "SUP-N")
    assert nu == {"club": "C1", "code": "SUP-N", "name": "Nu Forge", "kind": "supplier", "country": "ZA",
                  "sector": "Forging", "employees": 8, "size_band": "micro", "active": True}


def test_firms_list_without_club_lists_every_club(runner, world):
    listed = json.loads(runner.invoke(args=["firms", "list", "--json"]).output)
    assert {f["club"] for f in listed} == {"C1", "C2"}


def test_firms_import_with_a_bad_row_prints_errors_exits_non_zero_and_writes_nothing(runner, world, tmp_path, db):
    before = db.session.scalar(sa.select(sa.func.count(Firm.id)))
    path = _write(tmp_path, "firms.csv", "club,code,name,kind,country,sector,employees\n"
                                         "C1,SUP-N,Nu Forge,supplier,ZA,Forging,8\n"
                                         "C1,SUP-M,Em,vendor,ZA,Forging,8\n")
    result = runner.invoke(args=["firms", "import", path])
    assert result.exit_code == 1
    assert "line 3, column kind" in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == before


def test_firms_import_of_a_non_utf8_file_is_refused(runner, world, tmp_path):
    path = _write(tmp_path, "firms.csv", "club,code,name,kind,country,sector,employees\n"
                                         "C1,SUP-N,Çelik,supplier,TR,Steel,8\n", encoding="cp1254")
    result = runner.invoke(args=["firms", "import", path])
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_links_import(runner, world, tmp_path, db):
    path = _write(tmp_path, "links.csv", "governor,supplier,tier\nGOV-3,SUP-B,3\n")
    result = runner.invoke(args=["links", "import", path])
    assert result.exit_code == 0, result.output
    link = db.session.scalar(sa.select(SupplyLink).where(SupplyLink.governor_id == world.firms["G3"].id))
    assert (link.supplier.code, link.tier) == ("SUP-B", 3)


def test_links_import_cross_club_fails(runner, world, tmp_path):
    path = _write(tmp_path, "links.csv", "governor,supplier,tier\nGOV-3,SUP-X,3\n")
    result = runner.invoke(args=["links", "import", path])
    assert result.exit_code == 1 and "different clubs" in result.output


def test_users_create_without_password_prints_a_working_invitation_link(runner, world, client, db):
    result = runner.invoke(args=["users", "create", "new@beta.test", "--role", "member", "--firm", "SUP-B"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1].split(": ", 1)[1]
    assert link.startswith("http://127.0.0.1:5000/invite/")
    assert client.get(link.replace("http://127.0.0.1:5000", "")).status_code == 200


def test_users_create_with_password_from_stdin_can_log_in(runner, world, client):
    result = runner.invoke(args=["users", "create", "fac2@club.test", "--role", "facilitator", "--club", "C1",
                                 "--password-stdin"], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert "Invitation" not in result.output
    assert client.post("/login", data={"email": "fac2@club.test", "password": "a-long-password"}).status_code == 302


def test_users_create_rejects_wrong_firm_kind_and_unknown_codes(runner, world, db):
    wrong = runner.invoke(args=["users", "create", "g@x.test", "--role", "governor", "--firm", "SUP-A"])
    assert wrong.exit_code != 0 and "governor firm" in wrong.output
    unknown = runner.invoke(args=["users", "create", "g@x.test", "--role", "member", "--firm", "NOPE"])
    assert unknown.exit_code != 0 and "no firm with code NOPE" in unknown.output
    assert db.session.scalar(sa.select(User).where(User.email == "g@x.test")) is None


def test_users_create_admin(runner, db):
    result = runner.invoke(args=["users", "create", "root@x.test", "--role", "admin"])
    assert result.exit_code == 0
    assert db.session.scalar(sa.select(User.role).where(User.email == "root@x.test")) == Role.ADMIN


def test_periods_open_close_reopen(runner, world, db):
    opened = runner.invoke(args=["periods", "open", "2025-03", "--club", "C1"])
    assert opened.exit_code == 0, opened.output
    assert "due 2025-04-15" in opened.output
    closed = runner.invoke(args=["periods", "close", "2025-03", "--club", "C1"])
    assert closed.exit_code == 0, closed.output
    assert find_period(world.club, "2025-03").status == PeriodStatus.CLOSED
    no_reason = runner.invoke(args=["periods", "reopen", "2025-03", "--club", "C1"])
    assert no_reason.exit_code != 0
    reopened = runner.invoke(args=["periods", "reopen", "2025-03", "--club", "C1", "--reason", "late data from B"])
    assert reopened.exit_code == 0, reopened.output
    db.session.expire_all()
    assert find_period(world.club, "2025-03").status == PeriodStatus.OPEN
    reasons = db.session.scalars(sa.select(AuditEntry.reason).where(AuditEntry.action == "reopen")).all()
    assert reasons == ["late data from B"]


def test_periods_commands_reject_bad_months_and_unknown_clubs(runner, world):
    assert "YYYY-MM" in runner.invoke(args=["periods", "open", "2025-13", "--club", "C1"]).output
    assert runner.invoke(args=["periods", "open", "2025-03", "--club", "NOPE"]).exit_code != 0
    assert "already exists" in runner.invoke(args=["periods", "open", "2025-01", "--club", "C1"]).output
