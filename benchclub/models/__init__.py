"""All models, importable from one place so Alembic sees every table."""
from .audit import AuditEntry
from .benchmark import (
    GROUP_DIMENSIONS,
    Comparator,
    ComparatorValue,
    Snapshot,
    SnapshotCertShare,
    SnapshotFirm,
    SnapshotStat,
)
from .certification import DEFAULT_STANDARDS, Certificate, CertificateStatus, certificate_status
from .club import Club, Firm, FirmKind, SupplyLink, VisitCadence, size_band_for
from .consent import Consent
from .dataquality import CheckKind, CheckStatus, DataCheck, MonthSubmission
from .kpi import Direction, KpiDefinition, KpiValue, Period, PeriodStatus
from .ladder import (
    CriterionKind,
    DecisionStatus,
    Ladder,
    LadderCriterion,
    LadderEvaluation,
    LadderStage,
    Recommendation,
    StageChange,
    Target,
    Visit,
    VisitorRole,
    VisitOutcome,
)
from .notification import Notification
from .user import Role, User
from .workshop import (
    ActionStatus,
    HostStatus,
    ImprovementAction,
    RegistrationStatus,
    Workshop,
    WorkshopInvitation,
    WorkshopMaterial,
    WorkshopRegistration,
    WorkshopStatus,
)

__all__ = [
    "ActionStatus", "AuditEntry", "Certificate", "CertificateStatus", "Club", "Comparator", "ComparatorValue",
    "Consent", "CriterionKind", "DEFAULT_STANDARDS", "DecisionStatus", "Direction", "Firm", "FirmKind", "GROUP_DIMENSIONS",
    "HostStatus", "ImprovementAction", "KpiDefinition", "KpiValue", "Ladder", "LadderCriterion",
    "LadderEvaluation", "LadderStage", "Notification", "Period", "PeriodStatus", "Recommendation",
    "RegistrationStatus", "Role", "Snapshot", "SnapshotCertShare", "SnapshotFirm", "SnapshotStat",
    "StageChange", "SupplyLink", "Target", "User", "Visit", "VisitCadence", "VisitOutcome", "VisitorRole",
    "Workshop", "WorkshopInvitation", "WorkshopMaterial", "WorkshopRegistration", "WorkshopStatus",
    "certificate_status", "size_band_for",
    "CheckKind", "CheckStatus", "DataCheck", "MonthSubmission",
]
from .api_token import ApiToken, TokenScope  # noqa: E402  (issue 12: API tokens)

__all__ += ["ApiToken", "TokenScope"]
from .ops import Job, JobStatus, PageGeneration  # noqa: E402  (perf: page cache, background jobs)

__all__ += ["Job", "JobStatus", "PageGeneration"]
