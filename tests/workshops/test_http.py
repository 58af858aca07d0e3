"""Workshop pages per role: planning, registration, confidentiality, materials, actions."""
import io
from datetime import date, timedelta

import sqlalchemy as sa

from benchclub.models import ActionStatus, ImprovementAction, RegistrationStatus, Workshop
from benchclub.workshops import actions, services

from .helpers import agreed_workshop, suppliers

SOON = date.today() + timedelta(days=21)


def test_facilitator_plans_a_workshop_and_the_host_is_asked(login_as, world, db):
    client = login_as("facilitator")
    resp = client.post("/workshops/new", data={
        "title": "Kanban in practice", "kpi_code": "kanban_share_pct", "held_on": SOON.isoformat(),
        "host_firm_id": world.firms["A"].id, "capacity": 8, "agenda": "Tour; Q&A",
        "invitees": [world.firms["B"].id]})
    assert resp.status_code == 302
    workshop = db.session.scalar(sa.select(Workshop))
    assert (workshop.title, workshop.capacity, workshop.host_firm_id) == ("Kanban in practice", 8, world.firms["A"].id)
    assert [i.firm_id for i in workshop.invitations] == [world.firms["B"].id]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Kanban in practice" in page and "pending" in page


def test_invalid_workshop_form_is_shown_again_with_the_error(login_as, world):
    client = login_as("facilitator")
    resp = client.post("/workshops/new", data={"title": "", "kpi_code": "otd_pct", "held_on": "", "capacity": 8,
                                               "host_firm_id": 0})
    assert resp.status_code == 422
    assert "Give the date of the workshop." in resp.get_data(as_text=True)


def test_members_do_not_see_an_unagreed_host_or_workshop(login_as, world, db):
    w = services.create_workshop(world.club, "otd_pct", "OTD clinic", SOON, host=world.firms["A"],
                                 invitees=[world.firms["B"]], actor=world.users["facilitator"])
    db.session.commit()
    assert login_as("member_b").get(f"/workshops/{w.id}").status_code == 403
    assert "OTD clinic" not in login_as("member_b").get("/my/workshops").get_data(as_text=True)
    host_page = login_as("member_a").get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "Agree to host" in host_page


def test_host_agrees_and_the_invited_member_registers(login_as, world, db):
    w = services.create_workshop(world.club, "otd_pct", "OTD clinic", SOON, host=world.firms["A"],
                                 invitees=[world.firms["B"]], actor=world.users["facilitator"])
    db.session.commit()
    assert login_as("member_a").post(f"/workshops/{w.id}/host", data={"answer": "agree"}).status_code == 302
    client = login_as("member_b")
    listing = client.get("/my/workshops").get_data(as_text=True)
    assert "Invitations" in listing and "OTD clinic" in listing
    assert "OTD clinic" in client.get("/").get_data(as_text=True)  # home panel
    assert client.post(f"/workshops/{w.id}/register").status_code == 302
    db.session.expire_all()
    assert [r.status for r in db.session.get(Workshop, w.id).registrations] == [RegistrationStatus.REGISTERED]
    page = client.get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "Alpha Castings" in page  # the agreed host is named
    assert "Cancel registration" in page
    assert client.post(f"/workshops/{w.id}/unregister").status_code == 302
    db.session.expire_all()
    assert db.session.get(Workshop, w.id).registrations[0].status == RegistrationStatus.CANCELLED


def test_members_see_counts_but_never_other_registrants(login_as, world, db):
    others = suppliers(world.club, 3)
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON, capacity=3)
    for firm in others:
        services.register_firm(w, firm, actor=None)
    db.session.commit()
    page = login_as("member_b").get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "3 of 3 taken" in page
    assert "waiting list" in page  # full: registering would join the waiting list
    for firm in others:
        assert firm.name not in page and firm.code not in page
    facilitator_page = login_as("facilitator").get(f"/workshops/{w.id}").get_data(as_text=True)
    assert all(firm.name in facilitator_page for firm in others)


def test_governors_have_no_workshop_pages(login_as, world, db):
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON)
    db.session.commit()
    assert login_as("gov_consented").get(f"/workshops/{w.id}").status_code == 403


def test_materials_upload_allow_list_and_attachment_download(login_as, world, db, app):
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON)
    db.session.commit()
    client = login_as("facilitator")
    ok = client.post(f"/workshops/{w.id}/materials", data={"file": (io.BytesIO(b"%PDF-1.4 slides"), "SMED slides.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    bad = client.post(f"/workshops/{w.id}/materials", data={"file": (io.BytesIO(b"MZ..."), "tool.exe")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "cannot be uploaded" in bad.get_data(as_text=True)
    fake = client.post(f"/workshops/{w.id}/materials", data={"file": (io.BytesIO(b"<html>"), "x.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "does not look like a .pdf" in fake.get_data(as_text=True)
    db.session.expire_all()
    material = db.session.get(Workshop, w.id).materials[0]
    assert len(db.session.get(Workshop, w.id).materials) == 1
    assert material.stored_name != "SMED slides.pdf" and material.stored_name.endswith(".pdf")
    download = login_as("member_b").get(f"/workshops/materials/{material.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 slides"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert login_as("gov_consented").get(f"/workshops/materials/{material.id}").status_code == 403
    assert login_as("other_facilitator").get(f"/workshops/materials/{material.id}").status_code == 403


def test_uploads_over_the_size_limit_are_refused(login_as, world, db, app):
    w = agreed_workshop(world.club, None, held_on=SOON)
    db.session.commit()
    limit = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 10
    try:
        resp = login_as("facilitator").post(f"/workshops/{w.id}/materials",
                                            data={"file": (io.BytesIO(b"a" * 11), "notes.txt")},
                                            content_type="multipart/form-data", follow_redirects=True)
    finally:
        app.config["MAX_UPLOAD_BYTES"] = limit
    assert "larger than" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Workshop, w.id).materials == []


def test_members_edit_their_own_actions_only(login_as, world, db):
    own = actions.add_action(world.firms["A"], "5S in the stores", SOON, actor=None)
    other = actions.add_action(world.firms["B"], "Kanban cards", SOON, actor=None)
    db.session.commit()
    client = login_as("member_a")
    assert client.get(f"/actions/{other.id}").status_code == 403
    assert client.post(f"/actions/{other.id}/done").status_code == 403
    resp = client.post(f"/actions/{own.id}", data={"description": "5S in stores and dispatch", "owner": "Thandi",
                                                    "due_on": SOON.isoformat(), "status": "done"})
    assert resp.status_code == 302
    db.session.expire_all()
    saved = db.session.get(ImprovementAction, own.id)
    assert (saved.description, saved.owner, saved.status) == ("5S in stores and dispatch", "Thandi", ActionStatus.DONE)
    assert saved.completed_on == date.today()


def test_member_adds_an_action_for_its_own_firm(login_as, world, db):
    resp = login_as("member_b").post("/my/actions", data={"description": "Daily OTD board", "owner": "Sipho",
                                                          "due_on": SOON.isoformat()})
    assert resp.status_code == 302
    action = db.session.scalar(sa.select(ImprovementAction))
    assert (action.firm_id, action.description) == (world.firms["B"].id, "Daily OTD board")


def test_follow_up_lists_overdue_actions_of_the_club(login_as, world, db):
    actions.add_action(world.firms["A"], "Overdue poka-yoke", date.today() - timedelta(days=3), actor=None)
    actions.add_action(world.firms["B"], "Future kaizen", SOON, actor=None)
    db.session.commit()
    page = login_as("facilitator").get("/workshops").get_data(as_text=True)
    assert "Overdue poka-yoke" in page and "Future kaizen" not in page
    assert "Overdue poka-yoke" not in login_as("other_facilitator").get("/workshops").get_data(as_text=True)


def test_facilitator_records_attendance_over_http(login_as, world, db):
    w = agreed_workshop(world.club, world.firms["A"], held_on=date.today())
    services.register_firm(w, world.firms["B"], actor=None)
    db.session.commit()
    resp = login_as("facilitator").post(f"/workshops/{w.id}/attendance", data={"attended": [world.firms["B"].id]})
    assert resp.status_code == 302
    db.session.expire_all()
    w = db.session.get(Workshop, w.id)
    assert w.status.value == "held" and w.registrations[0].attended is True
