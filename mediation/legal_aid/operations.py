"""A worker's request for legal aid, passed on to the legal-aid station of the district where
the employer is registered (the district whose arbitration commission the advice names,
``cases.advice.arbitration_commission``).

法律援助法 第三十一条: "下列事项的当事人，因经济困难没有委托代理人的，可以向法律援助机构申请
法律援助：……（二）请求给予社会保险待遇或者社会救助；……（五）请求确认劳动关系或者支付劳动报酬；
……（七）请求工伤事故、交通事故、食品药品安全事故、医疗事故人身损害赔偿；……" Whether the worker
qualifies (the means test, the matter) is the station's decision: the platform says the worker
*may* apply and passes the request on, nothing more.

The worker asks with the application (the filing form's box, the filing body's ``legal_aid``)
or later from the case page or the API, once per case, until the file is archived. The request
keeps the station's name, address and phone as they were; when the district has none recorded,
it is recorded all the same and the case's staff are asked to pass it on.
"""

from sqlalchemy import select

from mediation import policy
from mediation.cases.casework import lock_case
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, staff_of
from mediation.extensions import db
from mediation.models import Case, LegalAidChannel, LegalAidRequest, Region, User
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l

# What the worker reads beside the box on the filing form and above the button on the case
# page: "may apply", as the station decides (法律援助法 第三十一条).
EXPLANATION = _l(
    "If you have financial difficulty and no lawyer or other representative, you may apply for "
    "free legal aid, among others to have your employment relationship confirmed or your pay "
    "paid, for social insurance benefits, or for damages after a work injury (法律援助法 "
    "第三十一条). We pass your request on to the legal-aid station of the employer's district, "
    "which decides whether you qualify."
)


def district_of(case: Case) -> Region:
    """The district of the employer's registration, whose legal-aid station takes the request
    (as the arbitration commission: ``cases.advice.arbitration_commission``)."""
    return case.employer.region.district


def request_of(case: Case) -> LegalAidRequest | None:
    return db.session.scalar(select(LegalAidRequest).where(LegalAidRequest.case_id == case.id))


def request_legal_aid(case: Case, *, actor: User) -> LegalAidRequest:
    """The applicant asks from the case page or the API, after filing."""
    policy.require_act(actor, case, Act.request_legal_aid)
    return _record(case, actor=actor, channel=LegalAidChannel.later)


def request_at_filing(case: Case, *, actor: User) -> LegalAidRequest:
    """Asked with the application (``filing.file_case``): by the worker filing online, or by
    staff filing for a visitor at the counter, who asked there."""
    return _record(case, actor=actor, channel=LegalAidChannel.filing)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _record(case: Case, *, actor: User, channel: LegalAidChannel) -> LegalAidRequest:
    lock_case(case)  # two requests at once take turns; the second finds the first
    if request_of(case) is not None:
        raise Refused("legal_aid_already_requested")
    district = district_of(case)
    request = LegalAidRequest(
        case_id=case.id,
        channel=channel,
        requested_at=utcnow(),
        requested_by_id=actor.id,
        station=_text(district.legal_aid_station),
        station_address=_text(district.legal_aid_address) if district.legal_aid_station else None,
        station_phone=_text(district.legal_aid_phone) if district.legal_aid_station else None,
    )
    db.session.add(request)
    db.session.flush()
    audit.record_case_event(
        case,
        "legal_aid_requested",
        actor=actor,
        channel=channel.value,
        station=request.station,
    )
    _tell(case, request)
    return request


def _tell(case: Case, request: LegalAidRequest) -> None:
    """The applicant: to whom the request went, with its address and phone; the staff of the
    organisation holding the case: that it went, or that they must pass it on."""
    staff = staff_of(case.organization)
    if not request.passed_on:
        notify([applicant_of(case)], "legal_aid_requested_no_station", case)
        notify(staff, "legal_aid_to_pass_on", case)
        return
    contact = " · ".join(part for part in (request.station_address, request.station_phone) if part)
    if contact:
        notify(
            [applicant_of(case)],
            "legal_aid_requested",
            case,
            station=request.station,
            contact=contact,
        )
    else:
        notify(
            [applicant_of(case)], "legal_aid_requested_no_contact", case, station=request.station
        )
    notify(staff, "legal_aid_referred", case, station=request.station)


def legal_aid_section(case: Case, user: User, bound: dict | None = None) -> dict:
    """What the case page shows of legal aid (templates/cases/_legal_aid.html): the request
    once made, to the applicant and to staff (a request tells of the worker's means, so not
    to the employer); before it, the offer to the applicant. ``bound`` is unused: the form is
    a button."""
    if not policy.sees_the_workers_private_facts(user, case):
        return {"legal_aid_panel": False}
    request = request_of(case)
    offered = request is None and policy.may_act(user, case, Act.request_legal_aid)
    return {
        "legal_aid_panel": request is not None or offered,
        "legal_aid_request": request,
        "legal_aid_offered": offered,
        "legal_aid_district": district_of(case) if offered else None,
        "legal_aid_explanation": EXPLANATION,
        "legal_aid_to_worker": policy.is_applicant(user, case),
    }
