"""CSV upload (preview, then confirm), export and templates of the kpis feature (routes on `views.bp`)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import permissions
from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..models import Firm
from ..periods.services import parse_month
from ..transactions import run_atomically
from . import exports, imports, uploads
from .blueprint import bp
from .csv_io import COLUMNS, FileTooLargeError
from .forms import ConfirmImportForm, UploadForm


def _may_import() -> None:
    if not permissions.can_import_kpis(current_user):
        abort(403)


def _folder() -> str:
    return current_app.config.get("UPLOAD_FOLDER") or current_app.instance_path


def _limit() -> int:
    return int(current_app.config["MAX_UPLOAD_BYTES"])


def _preview(form, plan: imports.ImportPlan, filename: str, token: str | None = None):
    status = 200 if plan.ok else 422
    return render_template("kpis/import.html", form=form, plan=plan, filename=filename, token=token,
                           confirm=ConfirmImportForm(token=token), columns=COLUMNS), status


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_upload():
    """Upload a CSV: every row error is listed, or the rows to be written wait for confirmation."""
    _may_import()
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("kpis/import.html", form=form, plan=None, columns=COLUMNS), (
            422 if request.method == "POST" else 200)
    upload = form.file.data
    try:
        # Flask refuses bodies over MAX_CONTENT_LENGTH (413); read at most one byte past the file limit.
        data = upload.stream.read(_limit() + 1)
        plan = imports.plan_import(data, actor=current_user, limit=_limit())
    except FileTooLargeError as exc:
        form.file.errors.append(str(exc))
        return render_template("kpis/import.html", form=form, plan=None, columns=COLUMNS), 413
    db.session.rollback()  # checking writes nothing; drop anything the lookups loaded
    token = uploads.stage_upload(_folder(), data, user_id=current_user.id, filename=upload.filename or "") \
        if plan.ok else None
    return _preview(form, plan, upload.filename or "upload.csv", token)


@bp.post("/import/<token>")
@login_required
def import_commit(token: str):
    """Write the previewed file: all rows or, if anything changed in between and a row is now bad, none."""
    _may_import()
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    try:
        data, filename = uploads.load_upload(_folder(), token, user_id=current_user.id)
    except DomainError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("kpis.import_upload"))
    if len(data) > int(current_app.config.get("JOB_IMPORT_BYTES", 512 * 1024)):
        return _import_as_job(token, filename)
    try:  # re-checked and written in one transaction, retried whole after a deadlock or a concurrent import
        plan = run_atomically(lambda: imports.plan_and_apply(data, actor=current_user, limit=_limit()))
    except DomainError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("kpis.import_upload"))
    if not plan.ok:
        flash("The file is no longer valid (something changed since the preview); nothing was imported.", "danger")
        return _preview(UploadForm(), plan, filename)
    uploads.discard_upload(_folder(), token)
    written = plan.written or {}
    flash(f"Imported {filename}: {written.get('new', 0)} new, {written.get('update', 0)} updated, "
          f"{written.get('unchanged', 0)} unchanged.", "success")
    return redirect(url_for("kpis.entry_index" if permissions.is_member(current_user) else "kpis.import_upload"))


def _import_as_job(token: str, filename: str):
    """A large file is written by a background job; its page shows progress and the counts."""
    from ..jobs import services as jobs

    job = jobs.start_job("kpi_import", f"Import {filename}", {"token": token, "folder": _folder()},
                         actor=current_user, club_id=current_user.home_club_id)
    db.session.commit()
    jobs.dispatch(job)
    return redirect(url_for("jobs.show", job_id=job.id))


def _csv_response(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _audit_identified_download(what: str, month: str | None) -> None:
    """Facilitators and the admin download identified club data: log it (DOMAIN §5 rule 8)."""
    if permissions.is_member(current_user) or permissions.is_governor(current_user):
        return
    record(current_user, "view", "kpi_export", current_user.club_id, club_id=current_user.club_id,
           summary=f"{what}{' ' + month if month else ''}")
    db.session.commit()


def _month_arg() -> str | None:
    month = request.args.get("month") or None
    if month is None:
        return None
    try:
        return parse_month(month)
    except DomainError:
        abort(404)


@bp.get("/export.csv")
@login_required
def export_csv():
    """The values the user may see identified, in the import format (optionally one firm or month)."""
    _may_import()
    month, firm = _month_arg(), None
    if request.args.get("firm"):
        firm = db.session.scalar(permissions.scope_firms(sa.select(Firm), current_user)
                                 .where(Firm.code == request.args["firm"]))
        if firm is None:
            abort(404)
    text = exports.export_values(current_user, firm=firm, month=month)
    _audit_identified_download("CSV export", month)
    return _csv_response(text, exports.export_filename(current_user, "kpis", month))


@bp.get("/template.csv")
@login_required
def download_template():
    """An import file pre-filled with the user's firms, KPIs and month, ready to fill in."""
    _may_import()
    month = _month_arg()
    text = exports.template_csv(current_user, month)
    _audit_identified_download("CSV template", month)
    return _csv_response(text, exports.export_filename(current_user, "kpi-template", month))
