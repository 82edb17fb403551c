"""Re-employment hand-off: referral at closure, the officer's work, vacancies, the worker."""

import io
from datetime import timedelta

from sqlalchemy import func, select

from mediation.auth import accounts
from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import (
    Organization,
    OrgKind,
    Referral,
    Region,
    Role,
    Vacancy,
    VacancyProposal,
)
from tests.factories import filed_case, user
from workflows import deadlines

CENTRE = "清城区再就业服务中心"


def failed_case(*, lost_job=True, consent=True, **changes):
    case = filed_case(lost_job=lost_job, reemployment_consent=consent, **changes)
    mediator = user("med_hr")
    fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
    fire(case, "mediate", actor=mediator)
    fire(case, "fail", actor=mediator, reason="公司拒绝支付")
    db.session.commit()
    return case


def test_a_failed_case_of_a_worker_who_lost_the_job_is_referred(app, demo, in_request):
    case = failed_case()
    referral = case.referral
    assert referral.centre.name == CENTRE and referral.state == "referred"
    assert referral.worker_id_masked == "441802********0013"
    assert referral.contact_due == deadlines.add_working_days(referral.referred_on, 3)
    assert referral.worker_phone == "13800138001"  # the officer must be able to call


def test_the_referrals_list_says_how_far_each_first_contact_is(app, demo, browser):
    with app.test_request_context():
        referrals = [failed_case().referral for _ in range(3)]
    today = local_today()
    for referral, days in zip(referrals, (5, 1, -2), strict=True):
        referral.contact_due = today + timedelta(days=days)
    db.session.commit()
    browser.login("reemploy1")
    html = browser.get("/referrals/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ">5 days left</span>" in html and ">due tomorrow</span>" in html
    assert ">2 days overdue</span>" in html


def test_no_consent_no_referral(app, demo, in_request):
    assert failed_case(consent=False).referral is None
    assert failed_case(lost_job=False).referral is None


def test_a_case_is_referred_once_even_if_it_closes_again(app, demo, in_request):
    case = failed_case()
    fire(
        case,
        "escalate",
        actor=user("med_hr"),
        reason="申请人要求法院调解",
        organization_id=db.session.scalar(
            select(Organization.id).where(Organization.kind == OrgKind.court)
        ),
    )
    fire(case, "decline", actor=user("court1"), reason="不属于调解范围")
    db.session.commit()
    assert db.session.scalar(select(func.count(Referral.id))) == 1


def test_settled_case_with_a_lost_job_is_referred_too(app, demo, in_request):
    from mediation.cases import agreements

    case = filed_case(lost_job=True, reemployment_consent=True)
    mediator = user("med_hr")
    fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
    fire(case, "mediate", actor=mediator)
    agreements.draft_agreement(case, actor=mediator, terms="支付", amount=1, due_date=None)
    agreements.sign(
        case, actor=user("worker1"), version=case.agreement.version, password="demo-2026"
    )
    agreements.sign(
        case, actor=user("employer1"), version=case.agreement.version, password="demo-2026"
    )
    fire(case, "settle", actor=mediator)
    assert case.referral is not None


def test_officers_of_another_centre_cannot_see_the_referral(app, demo, make_browser):
    with app.test_request_context():
        case = failed_case()
        other_district = Region(name="英德市", level="district", code="441881")
        db.session.add(other_district)
        db.session.flush()
        other = Organization(
            name="英德市再就业服务中心", kind=OrgKind.reemployment, region=other_district
        )
        db.session.add(other)
        accounts.create_staff(
            actor=None,
            username="reemploy2",
            name="何敏",
            role=Role.reemployment_officer,
            password="pass-word-1",
            organization=other,
        )
        db.session.commit()
    outsider = make_browser()
    outsider.login("reemploy2", "pass-word-1")
    assert outsider.get(f"/referrals/{case.referral.id}").status_code == 404
    assert "李明" not in outsider.get("/referrals/").get_data(as_text=True)
    officer = make_browser()
    officer.login("reemploy1")
    assert "李明" in officer.get("/referrals/").get_data(as_text=True)


def test_the_officer_works_the_referral_to_a_placement(app, demo, make_browser):
    with app.test_request_context():
        case = failed_case()
        db.session.add(
            Vacancy(
                centre_id=case.referral.centre_id,
                employer="清远某某电子有限公司",
                title="操作工",
                industry="C",
                district_id=case.referral.district_id,
                wage_min=6000,
                wage_max=7500,
                skills=["装配"],
                openings=3,
                created_by_id=user("reemploy1").id,
            )
        )
        db.session.commit()
    referral_id = case.referral.id
    page = f"/referrals/{referral_id}"
    officer = make_browser()
    officer.login("reemploy1")
    assert officer.submit(f"{page}/claim", {}, page=page).status_code == 302
    officer.submit(
        f"{page}/contact",
        {
            "contact-contacted_on": local_today().isoformat(),
            "contact-channel": "phone",
            "contact-result": "已电话联系，愿意再就业",
        },
        page=page,
    )
    officer.submit(
        f"{page}/profile",
        {
            "profile-skills": "装配, 叉车",
            "profile-desired_job": "操作工",
            "profile-desired_industries": ["C"],
            "profile-desired_district_id": "0",
            "profile-wage_expectation": "6500",
        },
        page=page,
    )
    html = officer.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Matching vacancies" in html and "清远某某电子有限公司" in html
    assert "1 of 1 skills" in html  # the vacancy asks one skill; the worker has it
    vacancy = db.session.scalar(select(Vacancy))
    officer.submit(f"{page}/propose/{vacancy.id}", {}, page=page)
    worker = make_browser()
    worker.login("worker1")
    worker.submit(
        f"/referrals/{referral_id}/proposals/"
        f"{db.session.scalar(select(VacancyProposal.id))}/interested",
        {},
        page=f"/cases/{case.id}",
    )
    assert db.session.scalar(select(VacancyProposal.answer)) == "interested"

    before = (local_today() - timedelta(days=30)).isoformat()
    bad = officer.submit(
        f"{page}/place",
        {
            "place-employer": "清远某某电子有限公司",
            "place-job": "操作工",
            "place-start_date": before,
            "place-monthly_wage": "7000",
        },
        page=page,
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 422 and "cannot start before the referral" in bad.get_data(
        as_text=True
    )
    negative = officer.submit(
        f"{page}/place",
        {
            "place-employer": "x",
            "place-job": "y",
            "place-start_date": local_today().isoformat(),
            "place-monthly_wage": "-1",
        },
        page=page,
        headers={"Accept-Language": "en"},
    )
    assert negative.status_code == 422 and "cannot be negative" in negative.get_data(as_text=True)
    officer.submit(
        f"{page}/place",
        {
            "place-employer": "清远某某电子有限公司",
            "place-job": "操作工",
            "place-start_date": local_today().isoformat(),
            "place-monthly_wage": "7000",
        },
        page=page,
    )
    html = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Placed in a new job" in html and "清远某某电子有限公司" in html


def test_the_worker_may_decline_the_referral(app, demo, make_browser):
    with app.test_request_context():
        case = failed_case()
    worker = make_browser()
    worker.login("worker1")
    response = worker.submit(
        f"/referrals/{case.referral.id}/decline",
        {"decline-reason": "已自己找到工作"},
        page=f"/cases/{case.id}",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, case.referral.id).state == "declined"


CSV_HEADER = "用人单位,岗位,行业,区域,最低月薪,最高月薪,技能要求,招聘人数\n"
GOOD_ROW = "清远某某电子有限公司,操作工,C,清城区,6000,7500,装配、焊接,3\n"


def import_csv(browser, data: bytes, **extra):
    return browser.submit(
        "/referrals/vacancies/import",
        {"import-file": (io.BytesIO(data), "岗位.csv"), **extra},
        page="/referrals/vacancies",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )


def test_csv_import_in_gbk_with_a_bad_row_imports_nothing_until_asked(app, demo, browser):
    browser.login("reemploy1")
    data = (CSV_HEADER + GOOD_ROW + "某某物流,司机,G,清城区,-100,5000,驾驶,1\n").encode("gbk")
    response = import_csv(browser, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Line 3" in html and "negative" in html
    assert db.session.scalar(select(func.count(Vacancy.id))) == 0
    import re

    from tests.conftest import csrf_token_from

    payload = re.search(r'name="import-payload" type="hidden" value="([^"]+)"', html).group(1)
    confirm = browser.client.post(
        "/referrals/vacancies/import",
        data={"import-payload": payload, "import-csrf_token": csrf_token_from(html)},
    )
    assert confirm.status_code == 302
    assert [v.title for v in db.session.scalars(select(Vacancy))] == ["操作工"]


def test_csv_with_missing_columns_is_refused_whole(app, demo, browser):
    browser.login("reemploy1")
    response = import_csv(browser, "用人单位,岗位\n某某,操作工\n".encode())
    assert response.status_code == 422 and "no column for" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Vacancy.id))) == 0


def test_a_clean_utf8_file_imports_at_once(app, demo, browser):
    browser.login("reemploy1")
    response = import_csv(browser, ("\ufeff" + CSV_HEADER + GOOD_ROW).encode("utf-8"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Vacancy.id))) == 1


def test_referrals_through_the_api(app, demo):
    with app.test_request_context():
        case = failed_case()
    client = app.test_client()

    def token(username):
        response = client.post(
            "/api/v1/tokens", json={"username": username, "password": "demo-2026"}
        )
        return {"Authorization": f"Bearer {response.json['token']}"}

    officer, worker = token("reemploy1"), token("worker1")
    items = client.get("/api/v1/referrals", headers=worker).json["items"]
    assert [(i["case_id"], i["state"]) for i in items] == [(case.id, "referred")]
    referral_id = items[0]["id"]
    contact = client.post(
        f"/api/v1/referrals/{referral_id}/contact",
        headers=officer,
        json={"channel": "phone", "result": "联系上了"},
    )
    assert contact.status_code == 200 and contact.json["state"] == "contacted"
    bad = client.post(
        f"/api/v1/referrals/{referral_id}/place",
        headers=officer,
        json={"employer": "x", "job": "y", "start_date": "2020-01-01", "monthly_wage": "5000"},
    )
    assert bad.status_code == 422 and "start_date" in bad.json["errors"]
    placed = client.post(
        f"/api/v1/referrals/{referral_id}/place",
        headers=officer,
        json={
            "employer": "某某公司",
            "job": "操作工",
            "start_date": local_today().isoformat(),
            "monthly_wage": "6800",
        },
    )
    assert (
        placed.json["state"] == "placed" and placed.json["placement"]["monthly_wage"] == "6800.00"
    )
    assert (
        client.post(
            f"/api/v1/referrals/{referral_id}/contact",
            headers=worker,
            json={"channel": "phone", "result": "x"},
        ).status_code
        == 403
    )
