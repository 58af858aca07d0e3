"""The default CGL ladder of DOMAIN §7, as data: every governor starts from a copy of it."""
from __future__ import annotations

from typing import Any

#: (number, name, description)
DEFAULT_STAGES: tuple[tuple[int, str, str], ...] = (
    (1, "Inspected", "Deliveries are inspected at the governor's goods-in."),
    (2, "Self-certified", "Audits its own quality before delivery."),
    (3, "Zero-defect", "Consistently defect-free output."),
    (4, "Total quality", "Runs wide-ranging improvement programmes."),
)

#: (stage, kind, params); kinds are benchclub.models.CriterionKind values
DEFAULT_CRITERIA: tuple[tuple[int, str, dict[str, Any]], ...] = (
    (2, "certificate", {"standards": ["ISO 9001", "IATF 16949"]}),
    (2, "kpi_threshold", {"kpi_code": "customer_reject_ppm", "op": "<=", "threshold": 500.0, "months": 6}),
    (2, "kpi_threshold", {"kpi_code": "otd_pct", "op": ">=", "threshold": 95.0, "months": 6}),
    (2, "visit", {"visitor_role": "quality", "outcome": "passed", "months": 12}),
    (3, "months_at_stage", {"months": 6}),
    (3, "kpi_threshold", {"kpi_code": "customer_reject_ppm", "op": "<=", "threshold": 50.0, "months": 6}),
    (3, "kpi_threshold", {"kpi_code": "otd_pct", "op": ">=", "threshold": 98.0, "months": 6}),
    (4, "months_at_stage", {"months": 12}),
    (4, "kpi_threshold", {"kpi_code": "customer_reject_ppm", "op": "<=", "threshold": 50.0, "months": 12}),
    (4, "kpi_threshold", {"kpi_code": "otd_pct", "op": ">=", "threshold": 98.0, "months": 12}),
    (4, "certificate", {"standards": ["ISO 14001"]}),
    (4, "actions_completed", {"count": 2, "months": 12}),
    (4, "workshops_attended", {"count": 1, "months": 12}),
)

#: KPIs for which the governor's own measurement is preferred over the self-reported value (DOMAIN §7)
GOVERNOR_PREFERRED_KPIS = frozenset({"customer_reject_ppm", "otd_pct", "lead_time_days"})
