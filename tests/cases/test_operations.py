"""The case services on a real database: filing, the workflow, permissions, side effects."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation.cases import agreements
from mediation.cases.filing import ApplicationInvalid
from mediation.cases.operations import IllegalTransition, claim, fire
from mediation.core.errors import Invalid, NotPermitted, Refused
from mediation.extensions import db
from mediation.models import AuditEvent, CaseDocument, Notification, Organization
from tests.factories import application, filed_case, held_session, served_on_the_parties, user
from workflows.case import Tier

pytestmark = pytest.mark.both_databases


def test_filing_routes_to_the_street_centre_and_numbers_the_case(app, demo, in_request):
    case = filed_case()
    assert case.organization.name == "凤城街道劳动人事争议调解中心"
    assert case.routing_reason == "employer_street"
    assert case.state == "applied" and case.tier == Tier.hr_bureau
    assert case.number.startswith("FCJD-") and case.number.endswith("-000001")
    assert filed_case().number.endswith("-000002")
    assert case.acceptance_deadline > case.received_at.date()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == case.id))
    assert (event.action, event.from_state, event.to_state) == ("case.apply", None, "applied")
    kinds = {n.kind for n in db.session.scalars(select(Notification))}
    assert kinds == {"case_filed", "new_case", "against_company"}
    assert db.session.scalar(select(CaseDocument.kind)) == "application"


@pytest.mark.parametrize(
    ("changes", "organization", "rule"),
    [
        (
            {"preferred_tier": Tier.enterprise},
            "清远某某新材料有限公司劳动争议调解委员会",
            "chosen_enterprise",
        ),
        (
            {
                "workers_involved": 12,
                "representatives": ({"name": "王五", "phone": "13900139000"},),
            },
            "清城区劳动人事争议调解中心",
            "collective",
        ),
        ({"preferred_tier": Tier.union}, "清城区总工会劳动争议调解委员会", "chosen_union"),
    ],
)
def test_routing_at_filing(app, demo, in_request, changes, organization, rule):
    case = filed_case(**changes)
    assert (case.organization.name, case.routing_reason) == (organization, rule)


def test_collective_dispute_needs_representatives(app, demo, in_request):
    from mediation.cases.filing import file_case

    with pytest.raises(ApplicationInvalid) as raised:
        file_case(application(workers_involved=10), actor=user("worker1"))
    assert "representatives" in raised.value.errors


def test_a_whole_mediation_through_the_services(app, demo, in_request):
    case = filed_case()
    mediator = user("med_hr")
    with pytest.raises(Invalid) as raised:
        fire(case, "accept", actor=mediator, respondent_consent=False)
    assert set(raised.value.errors) == {"respondent_consent"}
    fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
    fire(case, "mediate", actor=mediator)
    assert case.mediator == mediator and case.mediation_deadline is not None
    held_session(case, "双方就工资数额达成一致。")
    agreements.draft_agreement(
        case,
        actor=mediator,
        terms="公司于11月30日前支付工资13000元。",
        amount=Decimal("13000.00"),
        due_date=None,
    )
    with pytest.raises(Invalid) as raised:
        fire(case, "settle", actor=mediator)
    assert set(raised.value.errors) == {"applicant_signed", "respondent_signed"}
    agreements.sign(
        case, actor=user("worker1"), version=case.agreement.version, password="demo-2026"
    )
    agreements.sign(
        case, actor=user("employer1"), version=case.agreement.version, password="demo-2026"
    )
    fire(case, "settle", actor=mediator)
    served_on_the_parties(case, "agreement")
    fire(case, "archive", actor=mediator)
    db.session.commit()
    assert (case.state, case.outcome) == ("archived", "resolved")
    actions = list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
        )
    )
    assert actions == [
        "case.apply",
        "case.accept",
        "case.mediate",
        "case.session_scheduled",
        "case.minutes_written",
        "case.agreement_drafted",
        "case.agreement_signed",
        "case.agreement_signed",
        "case.settle",
        "case.document_served",  # the agreement, opened by each party
        "case.document_served",
        "case.archive",
    ]


def test_illegal_trigger_is_refused_and_changes_nothing(app, demo, in_request):
    case = filed_case()
    with pytest.raises(IllegalTransition):
        fire(case, "settle", actor=user("med_hr"))
    assert case.state == "applied"


def test_other_organisations_and_parties_may_not_act(app, demo, in_request):
    case = filed_case()
    for outsider in ("med_union", "worker2", "employer1", "supervisor1", "court1"):
        with pytest.raises(NotPermitted):
            fire(
                case, "accept", actor=user(outsider), respondent_consent=True, consent_via="window"
            )


def test_a_claimed_case_belongs_to_its_mediator(app, demo, in_request):
    case = filed_case()
    claim(case, actor=user("med_hr"))
    with pytest.raises(Refused):
        claim(case, actor=user("med_hr"))


def test_escalation_moves_the_case_and_keeps_the_sender_reading(app, demo, in_request):
    from mediation.policy import can_view_case

    case = filed_case()
    fire(
        case,
        "escalate",
        actor=user("med_hr"),
        reason="涉及金额较大，需区级中心处理",
        organization_id=db.session.scalar(
            select(Organization.id).where(Organization.name == "清城区人民法院诉前调解中心")
        ),
    )
    db.session.commit()
    assert case.tier == "court" and case.transferred_from_tier == "hr_bureau"
    assert case.organization.name == "清城区人民法院诉前调解中心"
    assert can_view_case(user("med_hr"), case)
    with pytest.raises(NotPermitted):
        fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
    fire(case, "return", actor=user("court1"), reason="材料不全")
    assert case.organization.name == "凤城街道劳动人事争议调解中心"
