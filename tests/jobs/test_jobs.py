"""Background jobs: started from a page, run inline without Redis (or by an RQ worker with it),
progress and result on a private job page."""
import io

import pytest
import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.jobs import services
from benchclub.models import Job, JobStatus, KpiValue, Period, PeriodStatus
from benchclub.periods.services import open_period

HEADER = "firm,period,kpi,value,source,comment\n"


def test_admin_closes_a_month_in_every_club_as_a_job_and_sees_it_done(client, world, login_as):
    open_period(world.other_club, "2025-01")
    db.session.commit()
    resp = login_as("admin").post("/jobs/close-periods", data={"month": "2025-01"})
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'data-job-status="done"' in page and "Closed 2025-01 in 2 club(s)." in page and "100%" in page
    statuses = db.session.scalars(sa.select(Period.status).where(Period.month == "2025-01")).all()
    assert statuses == [PeriodStatus.CLOSED, PeriodStatus.CLOSED]


def test_a_job_page_is_only_for_whoever_started_it(client, world, login_as):
    location = login_as("admin").post("/jobs/reminders").headers["Location"]
    assert client.get(location).status_code == 200
    assert login_as("facilitator").get(location).status_code == 404
    assert login_as("member_a").get(location).status_code == 404


def test_member_report_pdf_is_built_as_a_job_and_downloaded_from_its_page(client, world, login_as):
    from benchclub.periods.services import close_period

    close_period(world.club, "2025-01")
    db.session.commit()
    location = login_as("member_a").post("/jobs/report", data={"period": "2025-Q1"}).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert 'data-job-status="done"' in page and "Download the PDF" in page
    job = db.session.scalar(sa.select(Job).order_by(Job.id.desc()))
    pdf = client.get(f"/jobs/{job.id}/download")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert login_as("member_b").get(f"/jobs/{job.id}/download").status_code == 404


def test_an_import_above_the_size_limit_runs_as_a_job(app, client, world, login_as):
    app.config["JOB_IMPORT_BYTES"] = 10
    try:
        login_as("member_a")
        body = (HEADER + "SUP-A,2025-02,otd_pct,97,self,\nSUP-A,2025-02,lead_time_days,4,self,\n").encode()
        html = client.post("/kpis/import", data={"file": (io.BytesIO(body), "big.csv")},
                           content_type="multipart/form-data").get_data(as_text=True)
        token = html.split("/kpis/import/")[1].split('"')[0]
        resp = client.post(f"/kpis/import/{token}")
        assert "/jobs/" in resp.headers["Location"]
        page = client.get(resp.headers["Location"]).get_data(as_text=True)
        assert "Imported big.csv: 2 new, 0 updated, 0 unchanged." in page
        assert db.session.scalar(sa.select(sa.func.count(KpiValue.id))) == 2
    finally:
        app.config["JOB_IMPORT_BYTES"] = 512 * 1024


def test_a_failing_job_is_marked_failed_with_its_reason(world):
    job = services.start_job("kpi_import", "Import gone.csv", {"token": "0" * 32, "folder": "/nonexistent"},
                             actor=world.users["member_a"])
    db.session.commit()
    done = services.run_job(job.id)
    assert done.status == JobStatus.FAILED and done.message.startswith("Failed:") and done.finished_at


@pytest.fixture()
def redis_db(app):
    """A dedicated Redis database (14) for the queue; only it is flushed."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/14")
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/14", JOBS_INLINE=False)
    yield client
    app.config.update(REDIS_URL=None, JOBS_INLINE=True)
    client.flushdb()


def test_with_redis_a_job_waits_on_the_queue_until_a_worker_runs_it(world, redis_db):
    from rq import Queue

    from benchclub.jobs.worker import perform

    job = services.start_job("reminders", "Send due reminders", {}, actor=world.users["admin"])
    db.session.commit()
    services.dispatch(job)
    queue = Queue(services.QUEUE, connection=redis_db)
    assert db.session.get(Job, job.id).status == JobStatus.QUEUED and queue.count == 1
    queued = queue.jobs[0]
    assert queued.func_name == "benchclub.jobs.worker.perform" and queued.args == (job.id,)
    assert services.run_job(job.id).status == JobStatus.DONE  # what perform() does inside the worker's app
    assert callable(perform)
