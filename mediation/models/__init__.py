"""The ORM models, one module per aggregate; imported here so Alembic sees every table."""

from mediation.models.alerts import Alert, AlertKind
from mediation.models.calendar import DeadlineReminder, HolidaySchedule
from mediation.models.cases import (
    Agreement,
    Case,
    CaseCategory,
    CaseCounter,
    CaseDraft,
    Category,
    Channel,
    Claim,
    Evidence,
    EvidenceParty,
    MediationSession,
    PriorityGroup,
    Rating,
    SessionMode,
)
from mediation.models.confirmations import ConfirmationStatus, JudicialConfirmation
from mediation.models.documents import (
    CaseDocument,
    DocumentKind,
    DocumentService,
    ServiceMethod,
    ServiceParty,
)
from mediation.models.events import AuditEvent, AuditSeal
from mediation.models.figures import (
    CaseFigures,
    DetailedFigureDistribution,
    DetailedFigureRollup,
    Distribution,
    EmployerFigureRollup,
    FigureDistribution,
    FigureRollup,
    Grain,
)
from mediation.models.notifications import (
    CodePurpose,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    OutboxMessage,
    VerificationCode,
)
from mediation.models.organizations import Employer, Organization, OrgKind
from mediation.models.places import Region, RegionLevel
from mediation.models.referrals import (
    ContactChannel,
    ProposalAnswer,
    Referral,
    ReferralContact,
    Vacancy,
    VacancyProposal,
)
from mediation.models.routing import RoutingRuleRow
from mediation.models.users import ApiToken, Role, User, UserSession

__all__ = [
    "Agreement",
    "Alert",
    "AlertKind",
    "ApiToken",
    "AuditEvent",
    "AuditSeal",
    "Case",
    "CaseCategory",
    "CaseCounter",
    "CaseDocument",
    "CaseDraft",
    "CaseFigures",
    "Category",
    "Channel",
    "Claim",
    "CodePurpose",
    "ConfirmationStatus",
    "ContactChannel",
    "DeadlineReminder",
    "DeliveryChannel",
    "DeliveryStatus",
    "DetailedFigureDistribution",
    "DetailedFigureRollup",
    "Distribution",
    "DocumentKind",
    "DocumentService",
    "Employer",
    "EmployerFigureRollup",
    "Evidence",
    "EvidenceParty",
    "FigureDistribution",
    "FigureRollup",
    "Grain",
    "HolidaySchedule",
    "JudicialConfirmation",
    "MediationSession",
    "Notification",
    "OrgKind",
    "Organization",
    "OutboxMessage",
    "PriorityGroup",
    "ProposalAnswer",
    "Rating",
    "Referral",
    "ReferralContact",
    "Region",
    "RegionLevel",
    "Role",
    "RoutingRuleRow",
    "ServiceMethod",
    "ServiceParty",
    "SessionMode",
    "User",
    "UserSession",
    "Vacancy",
    "VacancyProposal",
    "VerificationCode",
]
