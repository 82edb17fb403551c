"""``deadlines`` of the case answer (issue 15): the statutory date from which arbitration is
open, the same before and after acceptance and extension; the limitation; the provisional mark.
Every answer is also checked against the OpenAPI document (tests/api/conftest.py)."""

from datetime import date, datetime, time

import pytest

from mediation.cases.operations import fire
from mediation.core import clocks
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from tests.factories import filed_case, user
from workflows.case import Tier

pytestmark = pytest.mark.both_databases


def test_arbitration_available_from_is_one_date_through_acceptance_and_extension(api, app):
    """Issue 15: union tier, received Wed 30 Apr 2025, extended by 15 days: arbitration opens
    Fri 16 May 2025 (not 31 May, as when it followed the extended period)."""
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.union, employment_end=date(2025, 3, 31))
        case.received_at = datetime.combine(date(2025, 4, 30), time(10), SHANGHAI)
        clocks.start_acceptance_clock(case, date(2025, 4, 30))
        db.session.commit()
    seen = [api("GET", f"/cases/{case.id}", "worker1").json["deadlines"]]
    with app.test_request_context():
        mediator = user("med_union")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="phone")
        fire(case, "mediate", actor=mediator)
        fire(
            case, "extend", actor=mediator, days=15, applicant_consent=True, respondent_consent=True
        )
        db.session.commit()
    seen.append(api("GET", f"/cases/{case.id}", "worker1").json["deadlines"])
    assert [d["arbitration_available_from"] for d in seen] == ["2025-05-16", "2025-05-16"]
    assert [d["provisional"] for d in seen] == [False, False]
    before, after = seen
    assert before["mediation"] is None and before["mediation_before_extension"] is None
    # 15 days from receipt end Thu 15 May; 15 more from that legal end: Fri 30 May.
    assert (after["mediation_before_extension"], after["mediation"]) == ("2025-05-15", "2025-05-30")
    # The 15 days ran out on 15 May 2025 (the case still mediating today): a year from then.
    assert after["limitation"] == {
        "rule": "recounted",
        "ends_on": "2026-05-15",
        "recount_from": "2025-05-15",
        "because": "expired",
        "interrupted_until": None,
        "remuneration_not_limited": False,
        "provisional": False,
        "suspended_since": None,
        "suspended_days": 0,
        "suspensions": [],
    }
    listed = api("GET", "/cases", "worker1").json["items"]
    (mine,) = [item for item in listed if item["id"] == case.id]
    assert mine["deadlines"]["arbitration_available_from"] == "2025-05-16"
    assert "limitation" not in mine["deadlines"]  # the list stays cheap: detail only


def test_unpaid_wages_while_employed_have_no_limitation_in_the_answer(api, app):
    with app.test_request_context():
        case = filed_case()  # wage arrears, still employed
        db.session.commit()
    limitation = api("GET", f"/cases/{case.id}", "worker1").json["deadlines"]["limitation"]
    assert limitation["rule"] == "not_limited_while_employed" and limitation["ends_on"] is None
