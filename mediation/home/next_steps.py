"""What each role can do next, shown as the home page's cards."""

from dataclasses import dataclass

from mediation.models import Role
from mediation.translation import lazy_gettext as _l


@dataclass(frozen=True)
class NextStep:
    title: str
    description: str
    endpoint: str


NEXT_STEPS: dict[Role, list[NextStep]] = {
    Role.worker: [
        NextStep(
            _l("File a dispute"),
            _l("Tell us what your employer owes you; it takes about ten minutes."),
            "cases.new",
        ),
        NextStep(
            _l("My cases"),
            _l("Follow each case step by step, sign agreements, rate the service."),
            "cases.mine",
        ),
    ],
    Role.employer_rep: [
        NextStep(
            _l("Disputes against the company"),
            _l("Agree to mediation, upload evidence, sign agreements."),
            "cases.company",
        ),
    ],
    Role.mediator: [
        NextStep(
            _l("Case queue"),
            _l("New applications and transfers waiting for your organisation."),
            "queue.index",
        ),
        NextStep(
            _l("File for a visitor"),
            _l("One-window intake for someone at the counter or on the phone."),
            "cases.new_for_visitor",
        ),
    ],
    Role.court_liaison: [
        NextStep(
            _l("Transfers to review"),
            _l("Cases transferred into pre-litigation mediation."),
            "court.queue",
        ),
        NextStep(
            _l("Judicial confirmation"),
            _l("Agreements waiting for confirmation."),
            "court.queue",
        ),
    ],
    Role.reemployment_officer: [
        NextStep(
            _l("Referrals"), _l("Workers who lost their job through a dispute."), "referrals.index"
        ),
        NextStep(_l("Vacancies"), _l("Enter or import vacancies to match."), "referrals.vacancies"),
    ],
    Role.supervisor: [
        NextStep(
            _l("Statistics"),
            _l("Resolution rates, durations, amounts and satisfaction."),
            "stats.dashboard",
        ),
        NextStep(
            _l("Overdue cases"),
            _l("Cases past their legal deadline, per organisation."),
            "supervision.overdue",
        ),
        NextStep(
            _l("Failed deliveries"),
            _l("SMS and e-mails that never reached a party or a member of staff."),
            "supervision.deliveries",
        ),
        NextStep(
            _l("Early warnings"), _l("Wage-arrears alerts and employers at risk."), "stats.alerts"
        ),
        NextStep(
            _l("Organisations"),
            _l("The mediation organisations of your jurisdiction."),
            "admin.organizations",
        ),
    ],
    Role.admin: [
        NextStep(
            _l("Accounts"),
            _l("Create staff accounts and see who uses the platform."),
            "admin.accounts",
        ),
        NextStep(
            _l("Organisations"),
            _l("Regions, mediation organisations and service centres."),
            "admin.organizations",
        ),
        NextStep(
            _l("Holiday calendar"),
            _l("The State Council schedule for years the built-in calendar does not know."),
            "admin.calendar_years",
        ),
        NextStep(
            _l("Routing rules"),
            _l("Which organisation receives which case."),
            "admin.routing_rules",
        ),
        NextStep(
            _l("Outbox"),
            _l("Every SMS and e-mail sent to the parties and staff, and those that failed."),
            "admin.outbox",
        ),
        NextStep(
            _l("Audit log"),
            _l("Who did what: changes, sign-ins, refused attempts and reads of personal data."),
            "admin.audit",
        ),
    ],
}


def next_steps_for(role: Role) -> list[NextStep]:
    return NEXT_STEPS[role]
