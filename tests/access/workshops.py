"""Access cases for the workshops feature (facilitator pages, member pages, materials, actions)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from benchclub.extensions import db
from benchclub.models import HostStatus
from benchclub.workshops import actions, materials, services

from . import Case

FAC = {"facilitator": 200, "admin": 200}
# Pages of one's own club: the other club's facilitator gets its own (empty) club.
OWN_CLUB = {"facilitator": 200, "admin": 200, "other_facilitator": 200}
FAC_POST = {"facilitator": 302, "admin": 302}
CLUB_VIEW = {"facilitator": 200, "admin": 200, "member_a": 200, "member_b": 200}


def _ws(w):
    """An agreed workshop hosted by A with B invited, one material and one action of A (built once per test)."""
    if getattr(w, "_workshop", None) is None:
        workshop = services.create_workshop(w.club, "otd_pct", "OTD clinic", date.today() + timedelta(days=30),
                                            host=w.firms["A"], invitees=[w.firms["B"]], actor=None)
        workshop.host_status = HostStatus.AGREED
        w._material = materials.add_material(workshop, "slides.pdf", b"%PDF-1.4", actor=None,
                                             folder=current_app.config["UPLOAD_FOLDER"], max_bytes=1000)
        w._action = actions.add_action(w.firms["A"], "5S", date.today(), workshop=workshop, actor=None)
        db.session.commit()
        w._workshop = workshop
    return w._workshop


def _url(path):
    return lambda w: path.format(id=_ws(w).id, material=w._material.id, action=w._action.id)


def _workshop_data(w):
    return {"title": "Set-up clinic", "kpi_code": "setup_time_pct", "held_on": (date.today() + timedelta(days=9)).isoformat(),
            "host_firm_id": w.firms["A"].id, "capacity": 6, "agenda": "", "invitees": [w.firms["B"].id]}


def _action_data(w):
    return {"description": "5S in stores", "owner": "", "due_on": date.today().isoformat(), "status": "open"}


CASES = [
    Case("workshops.index", lambda w: "/workshops", OWN_CLUB),
    Case("workshops.suggestions", lambda w: "/workshops/suggestions?kpi=otd_pct&period=2025-01", OWN_CLUB),
    Case("workshops.new", lambda w: "/workshops/new", OWN_CLUB),
    Case("workshops.new", lambda w: "/workshops/new", {**FAC_POST, "other_facilitator": 422}, method="POST",
         data=_workshop_data, note="a host from another club is refused"),
    Case("workshops.edit", _url("/workshops/{id}/edit"), FAC),
    Case("workshops.edit", _url("/workshops/{id}/edit"), FAC_POST, method="POST", data=_workshop_data),
    Case("workshops.detail", _url("/workshops/{id}"), CLUB_VIEW),
    Case("workshops.invite", _url("/workshops/{id}/invitations"), FAC_POST, method="POST",
         data=lambda w: {"firms": [w.firms["B"].id]}),
    Case("workshops.attendance", _url("/workshops/{id}/attendance"), FAC_POST, method="POST",
         note="future date: refused with a message"),
    Case("workshops.notes", _url("/workshops/{id}/notes"), FAC_POST, method="POST", data=lambda w: {"notes": "n"}),
    Case("workshops.cancel", _url("/workshops/{id}/cancel"), FAC_POST, method="POST"),
    Case("workshops.upload_material", _url("/workshops/{id}/materials"), FAC_POST, method="POST",
         note="no file: refused with a message"),
    Case("workshops.download_material", _url("/workshops/materials/{material}"), CLUB_VIEW),
    Case("workshops.delete_material", _url("/workshops/materials/{material}/delete"), FAC_POST, method="POST"),
    Case("workshops.add_action", _url("/workshops/{id}/actions"), FAC_POST, method="POST"),
    Case("workshops.member_list", lambda w: "/my/workshops", {"member_a": 200, "member_b": 200}),
    Case("workshops.respond_host", _url("/workshops/{id}/host"), {"member_a": 302}, method="POST",
         data=lambda w: {"answer": "decline"}),
    Case("workshops.register", _url("/workshops/{id}/register"), {"member_b": 302}, method="POST",
         note="the host firm cannot register"),
    Case("workshops.cancel_registration", _url("/workshops/{id}/unregister"), {"member_b": 302}, method="POST"),
    Case("workshops.add_own_action", lambda w: "/my/actions", {"member_a": 302, "member_b": 302}, method="POST",
         data=_action_data),
    Case("workshops.edit_action", _url("/actions/{action}"), {"facilitator": 200, "admin": 200, "member_a": 200}),
    Case("workshops.edit_action", _url("/actions/{action}"), {"facilitator": 302, "admin": 302, "member_a": 302},
         method="POST", data=_action_data),
    Case("workshops.complete_action", _url("/actions/{action}/done"),
         {"facilitator": 302, "admin": 302, "member_a": 302}, method="POST"),
]
