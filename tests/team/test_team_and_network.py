"""What a lead mediator reads on the team page, and a supervisor on the network page."""

import re
from datetime import timedelta

import pytest

from mediation.auth import accounts
from mediation.cases.operations import claim, fire
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Role
from mediation.models.types import utcnow
from tests.factories import filed_case, mediating_case, user

EN = {"Accept-Language": "en"}
CENTRE = "凤城街道劳动人事争议调解中心"


def cells(page: str, starts: str) -> list[str]:
    """The texts of the cells of the table row that begins with ``starts``."""
    row = re.search(rf"<t[dh][^>]*>{re.escape(starts)}.*?</tr>", page, re.S).group(0)
    texts = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in texts]


def overdue_by_two_days(case) -> None:
    case.mediation_deadline = local_today() - timedelta(days=2)


@pytest.mark.both_databases  # one grouped query: counts, the nearest deadline
def test_the_team_page_shows_each_mediators_load_and_only_a_lead_opens_it(app, demo, make_browser):
    colleague = accounts.create_staff(
        actor=None,
        username="med_hr_b",
        name="钱芳",
        role=Role.mediator,
        password="demo-2026",
        organization=user("med_hr").organization,
    )
    with app.test_request_context():
        late, soon = mediating_case("med_hr_b"), filed_case()
        overdue_by_two_days(late)
        claim(soon, actor=colleague)
        filed_case()  # waits in the queue
        db.session.commit()

    lead = make_browser()
    lead.login("med_hr")
    page = lead.get("/team", headers=EN).get_data(as_text=True)
    assert "1 case waits for a mediator" in page
    _name, open_cases, nearest, overdue = cells(page, "钱芳")
    assert open_cases.startswith("2") and late.number in open_cases and soon.number in open_cases
    assert "2 days overdue" in nearest
    assert overdue == "1"
    assert cells(page, "孙丽 ")[1:] == ["0", "—", "0"]

    other = make_browser()
    other.login("med_hr_b")
    assert other.get("/team").status_code == 403
    assert 'href="/team"' not in other.get("/queue").get_data(as_text=True)


@pytest.mark.both_databases  # sums and histograms of the rollups
def test_the_network_page_shows_each_organisations_staff_open_overdue_and_median(
    app, demo, make_browser
):
    with app.test_request_context():
        mediator = user("med_hr")
        late = mediating_case()
        filed_case()  # open, not overdue
        overdue_by_two_days(late)
        for days in (4, 10):  # two cases closed after 4 and 10 days: the median is 7
            case = filed_case()
            case.received_at = utcnow() - timedelta(days=days)
            fire(case, "decline", actor=mediator, reason="不属于本中心受理范围")
        db.session.commit()

    supervisor = make_browser()
    supervisor.login("supervisor1")
    page = supervisor.get("/supervision/network", headers=EN).get_data(as_text=True)
    assert cells(page, CENTRE)[1:5] == ["1", "2", "1", "7.0"]  # staff, open, overdue, median
    assert cells(page, "清城区劳动人事争议调解中心")[1:5] == ["1", "0", "0", "—"]
    assert "清城区再就业服务中心" not in page  # not a mediation organisation
    drill_down = re.search(rf"{CENTRE}.*?href=\"([^\"]+)\"", page, re.S).group(1)
    cases = supervisor.get(drill_down.replace("&amp;", "&"), headers=EN)
    assert cases.status_code == 200 and late.number in cases.get_data(as_text=True)
