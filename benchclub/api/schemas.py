"""Marshmallow schemas of the API: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

MONTH = r"^(199\d|20\d\d|2100)-(0[1-9]|1[0-2])$"  # the years BenchClub accepts, 1990-2100
MAX_PER_PAGE = 500
MAX_BATCH = 1000


def _month(**kw) -> fields.String:
    return fields.String(validate=validate.Regexp(MONTH, error="Write the month as YYYY-MM, e.g. 2025-03."),
                         metadata={"description": "A month, YYYY-MM", "example": "2025-01"}, **kw)


class Problem(ma.Schema):
    """An error (RFC 9457 problem details)."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String(metadata={"description": "What went wrong, for a person"})
    instance = fields.String()
    errors = fields.List(fields.Dict(), metadata={"description": "Per field (and per item: index) problems"})


class PageArgs(ma.Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Items per page, at most {MAX_PER_PAGE}"})


class ClubArgs(ma.Schema):
    club = fields.String(load_default=None, validate=validate.Length(max=32),
                         metadata={"description": "Club code; only the admin needs it (others use their own club)"})


class Page(ma.Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class Kpi(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    direction = fields.String(required=True, validate=validate.OneOf(["higher", "lower"]))
    definition = fields.String()
    hard_min = fields.Float(required=True)
    hard_max = fields.Float(required=True)
    soft_min = fields.Float(required=True)
    soft_max = fields.Float(required=True)
    governor_measurable = fields.Boolean(required=True)


class KpiList(ma.Schema):
    items = fields.List(fields.Nested(Kpi), required=True)


class ValueArgs(PageArgs):
    firm = fields.String(load_default=None, validate=validate.Length(max=40), metadata={"description": "Firm code"})
    period = _month(load_default=None)
    kpi = fields.String(load_default=None, validate=validate.Length(max=40), metadata={"description": "KPI code"})


class Value(ma.Schema):
    id = fields.Integer(required=True)
    firm = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "YYYY-MM"})
    kpi = fields.String(required=True)
    value = fields.Float(required=True, allow_none=True, metadata={"description": "null for a nil return"})
    not_measured = fields.Boolean(required=True)
    source = fields.String(required=True, metadata={"description": "'self' or the measuring governor's code"})
    comment = fields.String(required=True)
    flagged = fields.Boolean(required=True, metadata={"description": "Outside the soft range"})
    version = fields.Integer(required=True)
    etag = fields.String(required=True, metadata={"description": "Send in If-Match to replace this value"})
    updated_at = fields.DateTime(required=True, allow_none=True)


class ValuePage(Page):
    items = fields.List(fields.Nested(Value), required=True)


class ValueInput(ma.Schema):
    firm = fields.String(required=True, validate=validate.Length(min=1, max=40))
    period = _month(required=True)
    kpi = fields.String(required=True, validate=validate.Length(min=1, max=40))
    value = fields.Float(required=True, allow_none=True, allow_nan=False,
                         metadata={"description": "null = not measured (a nil return), never 0"})
    source = fields.String(load_default="self", validate=validate.Length(max=40),
                           metadata={"description": "'self', or a governor's own code for its measurements"})
    comment = fields.String(load_default="", validate=validate.Length(max=2000),
                            metadata={"description": "Required when the value is outside the soft range"})
    version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0),
                             metadata={"description": "The version read (0 = expect no stored value); "
                                                      "an alternative to If-Match"})


class ValueBatch(ma.Schema):
    items = fields.List(fields.Nested(ValueInput), required=True,
                        validate=validate.Length(min=1, max=MAX_BATCH),
                        metadata={"description": f"At most {MAX_BATCH} items, written all or none"})


class ValueBatchResult(ma.Schema):
    new = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    items = fields.List(fields.Nested(Value), required=True)


class HistoryEntry(ma.Schema):
    at = fields.DateTime(required=True)
    action = fields.String(required=True)
    by = fields.String(required=True, allow_none=True)
    old = fields.String(required=True, allow_none=True)
    new = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True)


class HistoryList(ma.Schema):
    items = fields.List(fields.Nested(HistoryEntry), required=True)


class PeriodOut(ma.Schema):
    month = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["open", "closed"]))
    due_on = fields.Date(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    benchmarks_published = fields.Boolean(required=True)


class PeriodPage(Page):
    items = fields.List(fields.Nested(PeriodOut), required=True)


class CertificateOut(ma.Schema):
    id = fields.Integer(required=True)
    standard = fields.String(required=True)
    number = fields.String(required=True)
    body = fields.String(required=True)
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    evidence_note = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    etag = fields.String(required=True)


class CertificateList(ma.Schema):
    items = fields.List(fields.Nested(CertificateOut), required=True)


class CertificateInput(ma.Schema):
    standard = fields.String(required=True, validate=validate.Length(min=1, max=60))
    number = fields.String(required=True, validate=validate.Length(max=80))
    body = fields.String(required=True, validate=validate.Length(max=120))
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    evidence_note = fields.String(load_default="", validate=validate.Length(max=4000))


class BenchmarkArgs(ClubArgs):
    kpi = fields.String(required=True, validate=validate.Length(min=1, max=40))
    period = _month(load_default=None, )
    group = fields.String(load_default="all", validate=validate.Length(max=80),
                          metadata={"description": "all, sector:NAME, size:BAND, tier:N or country:CODE"})


class FirmPosition(ma.Schema):
    value = fields.Float(allow_none=True)
    percentile_rank = fields.Raw(allow_none=True)


class Benchmark(ma.Schema):
    """Exactly the object `flask benchmarks show --json` prints for the same user."""

    kpi = fields.String(required=True)
    period = fields.String(required=True)
    group = fields.String(required=True)
    n = fields.Raw(required=True, metadata={"description": "Exact from 20 firms, else a band like '5-9'"})
    suppressed = fields.List(fields.Raw(), required=True)
    stats = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), required=True)
    firm = fields.Nested(FirmPosition, required=True, allow_none=True)
    international = fields.List(fields.Dict(), required=True)


class StageOut(ma.Schema):
    supplier = fields.String(required=True)
    name = fields.String(required=True)
    tier = fields.Integer(required=True)
    stage = fields.Integer(required=True)
    stage_name = fields.String(required=True)
    since = fields.String(required=True, allow_none=True)


class StageList(ma.Schema):
    items = fields.List(fields.Nested(StageOut), required=True)


class StageChangeOut(ma.Schema):
    stage = fields.Integer(required=True)
    stage_name = fields.String(required=True)
    effective_month = fields.String(required=True)
    reason = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)


class StageHistory(ma.Schema):
    supplier = fields.String(required=True)
    items = fields.List(fields.Nested(StageChangeOut), required=True)


class Criterion(ma.Schema):
    stage = fields.Integer(required=True)
    name = fields.String(required=True)
    met = fields.Boolean(required=True)
    detail = fields.String(required=True)
    purpose = fields.String(required=True)


class MyStage(ma.Schema):
    governor = fields.String(required=True)
    governor_name = fields.String(required=True)
    tier = fields.Integer(required=True)
    stage = fields.Integer(required=True)
    stage_name = fields.String(required=True)
    since = fields.String(required=True, allow_none=True)
    history = fields.List(fields.Nested(StageChangeOut), required=True)
    checklist = fields.List(fields.Nested(Criterion), required=True)


class MyStageList(ma.Schema):
    items = fields.List(fields.Nested(MyStage), required=True)


class WorkshopOut(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kpi = fields.String(required=True)
    held_on = fields.Date(required=True)
    place = fields.String(required=True)
    host = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)
    capacity = fields.Integer(required=True)
    registered = fields.Integer(required=True)
    waiting = fields.Integer(required=True)
    my_registration = fields.String(required=True, allow_none=True)


class WorkshopPage(Page):
    items = fields.List(fields.Nested(WorkshopOut), required=True)


class Registration(ma.Schema):
    workshop = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "registered or waitlisted"})
