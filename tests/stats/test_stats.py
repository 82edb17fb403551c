"""Supervisor figures on a known dataset built through the services: page, API, CSV, XLSX."""

import calendar
import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mediation.auth import accounts
from mediation.cases import agreements, payment
from mediation.cases.filing import account_party, file_case
from mediation.cases.operations import fire
from mediation.core import clocks
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Organization, OrgKind, Payment, Region, Role
from mediation.referrals import operations as referrals
from mediation.stats.compute import DEFINITIONS
from tests.conftest import built_once
from tests.factories import application, filed_case, forget_figures, user

pytestmark = pytest.mark.both_databases


def str_en(label) -> str:
    # Forced, not from a request's headers: the test's app context (and its cached locale)
    # is shared by every request context opened inside it.
    from flask_babel import force_locale

    with force_locale("en"):
        return str(label)


def figures_on_page(html: str) -> dict[str, str]:
    """Each figure's value as the dashboard shows it (a counting figure links to its cases),
    without the thousands separators."""
    found = re.findall(r'data-figure="(\w+)">(?:<a [^>]*>)?([^<]*)<', html)
    return {key: value.replace(",", "") for key, value in found}


EXPECTED = {
    "received": 6,
    "accepted": 2,
    "declined": 1,
    "closed": 4,
    "resolved": 1,
    "unresolved": 1,
    "withdrawn": 1,
    "success_rate": "50.0",
    "first_tier_success_rate": "100.0",
    "median_days_to_close": "0.0",
    "mean_days_to_close": "0.0",
    "overdue": 1,
    "workers_involved": 17,
    "collective": 1,
    "priority_cases": 1,
    "amount_claimed": "78000.00",
    "amount_agreed": "10000.00",
    "amount_paid": "4000.00",
    "agreements_due": 1,
    "agreements_paid_in_full": 0,
    "performance_rate": "0.0",
    "referrals": 1,
    "first_contact_on_time": 1,
    "placements": 1,
    "placement_rate": "100.0",
    "median_days_to_placement": "0.0",
    "ratings": 2,
    "satisfaction_mean": "3.50",
    "satisfaction_rate": "50.0",
    "legal_aid_requests": 0,
    "handed_to_arbitration": 0,
}


@built_once()
def dataset(app):
    """Six cases of the demo district through the services, one of each outcome, with what
    the figures count (an agreement part paid, ratings, a referral placed, a transfer, a
    deadline missed); built once for the tests of ``TestTheKnownDataset``."""
    from mediation.models import PriorityGroup

    with app.test_request_context():
        mediator, court = (
            user("med_hr"),
            db.session.scalar(select(Organization.id).where(Organization.kind == OrgKind.court)),
        )
        settled = filed_case()
        fire(settled, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(settled, "mediate", actor=mediator)
        agreements.draft_agreement(
            settled,
            actor=mediator,
            terms="付款",
            amount=Decimal("10000"),
            due_date=local_today() - timedelta(days=1),
        )
        agreements.sign(
            settled, actor=user("worker1"), version=settled.agreement.version, password="demo-2026"
        )
        agreements.sign(
            settled,
            actor=user("employer1"),
            version=settled.agreement.version,
            password="demo-2026",
        )
        fire(settled, "settle", actor=mediator)
        payment.report_payment(
            settled, actor=user("worker1"), payment=Payment.partly_paid, amount_paid=Decimal(4000)
        )
        failed = filed_case(
            by="worker2",
            workers_involved=12,
            lost_job=True,
            reemployment_consent=True,
            representatives=({"name": "王五", "phone": "13900139000"},),
            priority_groups=frozenset({PriorityGroup.migrant_worker}),
        )
        district = user("med_district")  # ten or more workers: the district centre
        fire(failed, "accept", actor=district, respondent_consent=True, consent_via="window")
        fire(failed, "mediate", actor=district)
        fire(failed, "fail", actor=district, reason="差距大")
        fire(filed_case(), "decline", actor=mediator, reason="不属于受理范围")
        fire(filed_case(), "withdraw", actor=user("worker1"), reason="已和解")
        fire(filed_case(), "escalate", actor=mediator, reason="金额大", organization_id=court)
        late = filed_case()
        clocks.start_acceptance_clock(late, local_today() - timedelta(days=20))
        from mediation.cases import ratings

        with pytest.MonkeyPatch.context() as next_day:  # offered from the day after closure
            next_day.setattr(ratings, "local_today", lambda: local_today() + timedelta(days=1))
            ratings.rate(settled, actor=user("worker1"), score=5, comment="满意")
            ratings.rate(settled, actor=user("employer1"), score=2)
        officer = user("reemploy1")
        referrals.fire(failed.referral, "contact", actor=officer, channel="phone", result="联系上")
        referrals.fire(
            failed.referral,
            "place",
            actor=officer,
            employer="某某公司",
            job="操作工",
            start_date=local_today(),
            monthly_wage="6000",
        )
        db.session.commit()


class TestTheKnownDataset:
    """The tests on ``dataset``, which is built once for them (each runs in a savepoint)."""

    def test_api_figures_are_exact(self, app, dataset):
        client = app.test_client()
        token = client.post(
            "/api/v1/tokens", json={"username": "supervisor1", "password": "demo-2026"}
        ).json["token"]
        figures = client.get("/api/v1/stats", headers={"Authorization": f"Bearer {token}"}).json
        assert {key: figures[key] for key in EXPECTED} == EXPECTED
        assert figures["transfers"] == {"hr_bureau>court": 1}
        assert figures["days_to_close"] == {"0": 4}  # all four closed the day they were filed
        schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Figures"]
        assert set(schema["properties"]) == set(figures)  # the document describes the answer

    def test_api_periods_are_presets_or_custom_dates(self, app, dataset):
        client = app.test_client()
        token = client.post(
            "/api/v1/tokens", json={"username": "supervisor1", "password": "demo-2026"}
        ).json["token"]

        def stats(**query):
            return client.get(
                "/api/v1/stats", query_string=query, headers={"Authorization": f"Bearer {token}"}
            ).json

        quarter = stats(period="quarter", on="2026-08-10")["filters"]
        assert (quarter["from"], quarter["to"]) == ("2026-07-01", "2026-09-30")
        week = stats(period="week", on="2026-12-02")["filters"]  # a Wednesday
        assert (week["from"], week["to"]) == ("2026-11-30", "2026-12-06")
        today = local_today().isoformat()
        assert stats(period="day")["filters"]["from"] == today
        assert (
            stats(period="year")["received"]
            == 6
            == stats(**{"from": today, "to": today})["received"]
        )
        assert stats(period="year", on="2025-06-01")["received"] == 0

    def test_dashboard_and_both_exports_show_the_same_figures(self, app, dataset, browser):
        browser.login("supervisor1")
        html = browser.get("/stats/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert figures_on_page(html) == {key: str(value) for key, value in EXPECTED.items()}
        assert 'data-figure="amount_claimed">78,000.00<' in html  # grouped for reading
        assert "Resolved ÷ cases closed after mediation started" in html

        raw = browser.get("/stats/figures.csv", headers={"Accept-Language": "en"}).data
        assert raw.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        labels = {row[0]: row[1] for row in rows if len(row) >= 2}
        assert labels["Cases received"] == "6" and labels["Amount agreed (yuan)"] == "10000.00"
        assert labels["Mediation success rate (%)"] == "50.0"
        assert any(row[0] == "Generated" for row in rows)
        assert ["Filter: From", local_today().replace(day=1).isoformat()] in rows

        workbook = load_workbook(
            io.BytesIO(browser.get("/stats/figures.xlsx", headers={"Accept-Language": "en"}).data)
        )
        cells = {row[0]: row[1] for row in workbook.active.iter_rows(values_only=True) if row[0]}
        for key, label, _formula in DEFINITIONS:
            expected = EXPECTED[key]
            assert Decimal(str(cells[str_en(label)])) == Decimal(str(expected)), key  # numbers
        transfers = list(workbook["Transfers between tiers"].iter_rows(values_only=True))
        assert ("HR bureau mediation centre", "Court pre-litigation mediation", 1) in transfers

    def test_empty_period_and_empty_jurisdiction(self, app, dataset):
        client = app.test_client()

        def figures(username, password="demo-2026", **query):
            token = client.post(
                "/api/v1/tokens", json={"username": username, "password": password}
            ).json["token"]
            return client.get(
                "/api/v1/stats", query_string=query, headers={"Authorization": f"Bearer {token}"}
            ).json

        empty = figures("supervisor1", **{"from": "2020-01-01", "to": "2020-12-31"})
        assert empty["received"] == 0 and empty["success_rate"] is None
        assert empty["amount_claimed"] == "0.00" and empty["transfers"] == {}
        other = Region(name="英德市", level="district", code="441881")
        db.session.add(other)
        db.session.flush()
        accounts.create_staff(
            actor=None,
            username="supervisor2",
            name="远方督导",
            role=Role.supervisor,
            password="pass-word-1",
            region=other,
        )
        db.session.commit()
        elsewhere = figures("supervisor2", password="pass-word-1")
        assert elsewhere["received"] == 0 and elsewhere["referrals"] == 0

    def test_filters_narrow_the_cohort(self, app, dataset):
        client = app.test_client()
        token = client.post(
            "/api/v1/tokens", json={"username": "supervisor1", "password": "demo-2026"}
        ).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
        court = db.session.scalar(select(Organization.id).where(Organization.kind == OrgKind.court))
        at_court = client.get(f"/api/v1/stats?organization={court}", headers=headers).json
        assert at_court["received"] == 1
        migrants = client.get("/api/v1/stats?priority=migrant_worker", headers=headers).json
        assert migrants["received"] == 1 and migrants["workers_involved"] == 12

    def test_charts_are_svg_with_their_numbers_in_tables(self, app, dataset, browser):
        browser.login("supervisor1")
        html = browser.get("/stats/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert html.count('role="img"') == 5
        assert '<title id="received-title">Cases received per day' in html  # a month, day by day
        days = chart_table(html, "Cases received per day")
        headers = re.findall(r'<th scope="col">([^<]*)</th>', days)
        cells = re.findall(r'<td class="num">([^<]*)</td>', days)
        assert (
            len(headers)
            == len(cells)
            == calendar.monthrange(local_today().year, local_today().month)[1]
        )
        assert dict(zip(headers, cells, strict=True))[local_today().strftime("%m-%d")] == "6"
        assert sum(int(cell) for cell in cells) == 6

        outcomes = chart_table(html, "Outcomes per tier")
        hr_row = outcomes.split("HR bureau mediation centre</th>")[1].split("</tr>")[0]
        # resolved, unresolved, withdrawn, declined at the HR centres: 1, 1, 1, 1
        assert hr_row.count('<td class="num">1</td>') == 4
        flow = chart_table(html, "Transfers between tiers")
        assert (
            "<td>HR bureau mediation centre</td><td>Court pre-litigation mediation</td>"
            '<td class="num">1</td>' in flow
        )

        year = browser.get(
            "/stats/", query_string={"period": "year"}, headers={"Accept-Language": "en"}
        ).get_data(as_text=True)
        months = chart_table(year, "Cases received per month")
        assert f'<th scope="col">{local_today().strftime("%Y-%m")}</th>' in months
        assert months.count('<th scope="col">') == 12

    def test_each_counting_figure_lists_exactly_its_cases_with_parties_masked(
        self, app, dataset, browser
    ):
        from mediation.models import Case

        browser.login("supervisor1")
        numbers = {
            case.outcome or case.state: case.number
            for case in db.session.scalars(select(Case).order_by(Case.id))
        }

        def listed(figure: str) -> list[str]:
            html = browser.get(f"/stats/cases?figure={figure}", headers={"Accept-Language": "en"})
            assert html.status_code == 200
            return re.findall(
                r'<th scope="row">([A-Z]+-\d{4}-\d{6})</th>', html.get_data(as_text=True)
            )

        assert listed("resolved") == [numbers["resolved"]]
        assert listed("declined") == [numbers["declined"]]
        assert len(listed("received")) == EXPECTED["received"]
        assert len(listed("closed")) == EXPECTED["closed"] and len(listed("accepted")) == 2
        assert listed("collective") == [numbers["unresolved"]]  # the twelve workers' case
        assert len(listed("overdue")) == EXPECTED["overdue"]
        page = browser.get("/stats/cases?figure=received").get_data(as_text=True)
        assert "李*" in page and "李明" not in page and "13800138001" not in page

        rows = list(
            csv.reader(
                io.StringIO(
                    browser.get(
                        "/stats/cases.csv?figure=resolved", headers={"Accept-Language": "en"}
                    ).data.decode("utf-8-sig")
                )
            )
        )
        assert ["Filter: Figure", "Resolved by agreement"] in rows
        assert [row[0] for row in rows if row and row[0].endswith(numbers["resolved"][-6:])] == [
            numbers["resolved"]
        ]
        not_a_count = browser.get(
            "/stats/cases?figure=success_rate&to=2020-01-01&from=2021-01-01",
            headers={"Accept-Language": "en"},
        )
        assert not_a_count.status_code == 422
        summary = not_a_count.get_data(as_text=True).split('class="error-summary"')[1]
        assert 'href="#figure-error">Figure: Not one of' in summary and 'href="#to"' in summary


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to", "before its start"),
        ({"from": "2000-01-01", "to": "2020-01-01"}, "to", "at most five years"),
        ({"from": "2026-13-45"}, "from", "Use a date like"),
        ({"region": "999999"}, "region", "Not a known region"),
        ({"organization": "abc"}, "organization", "Not a known organisation"),
        ({"tier": "village"}, "tier", "Not one of"),
        ({"period": "fortnight"}, "period", "Not one of"),
        ({"period": "month", "on": "2026-02-30"}, "on", "Use a date like"),
        ({"from": "20260-01-01"}, "from", "Use a date like"),
        ({"period": "year", "on": "1899-01-01"}, "on", "from 2000 to 2099"),
    ],
)
def test_bad_filters_get_a_clear_message(app, demo, browser, query, field, message):
    browser.login("supervisor1")
    response = browser.get("/stats/", query_string=query, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert f'href="#{field}"' in summary and message in summary
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"username": "supervisor1", "password": "demo-2026"}
    ).json["token"]
    api = client.get(
        "/api/v1/stats",
        query_string=query,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert api.status_code == 422 and message in " ".join(api.json["errors"][field])
    assert browser.get("/stats/figures.csv", query_string=query).status_code == 422


def test_the_filter_labels_are_in_each_readers_language(app, demo, browser):
    """The form's labels live in a template module Jinja loads once: a reader in English after
    one in Chinese must still read English (it once kept the first reader's language)."""
    browser.login("supervisor1")
    for language, label, summary in (
        ("zh-CN", "类型", "类型："),
        ("en", "Kind", "Kind: "),
        ("zh-CN", "类型", "类型："),
    ):
        page = browser.get("/stats/", headers={"Accept-Language": language}).get_data(as_text=True)
        assert f'<label for="category">{label}</label>' in page, language
        wrong = browser.get(
            "/stats/", query_string={"category": "x"}, headers={"Accept-Language": language}
        ).get_data(as_text=True)
        assert summary in wrong.split('class="error-summary"')[1].split("</div>")[0], language


def chart_table(html: str, caption: str) -> str:
    return html.split(f'<caption class="visually-hidden">{caption}</caption>')[1].split("</table>")[
        0
    ]


ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1e9",
    "abc",
    "2026-02-29",
    "9999-12-31",
    "0001-01-01",
    "2026-1-1",
    "２０２６-01-01",
    "null",
    "[]",
    "' OR 1=1 --",
    "%00",
    "x" * 300,
]
PARAMETERS = [
    "period",
    "on",
    "from",
    "to",
    "region",
    "tier",
    "organization",
    "category",
    "channel",
    "priority",
    "figure",
    "page",
]


# On PostgreSQL, the stricter of the two: an out-of-range number or date fails there first.
@pytest.mark.postgresql_only
def test_odd_query_strings_get_a_page_or_a_message_never_a_500(app, demo, browser):
    browser.login("supervisor1")
    token = (
        app.test_client()
        .post("/api/v1/tokens", json={"username": "supervisor1", "password": "demo-2026"})
        .json["token"]
    )
    answers = set()
    for name in PARAMETERS:
        refused_on_the_page = False
        for value in ODD_VALUES:
            # The drill-down and the API read the query string with one parser (stats.filters)
            # and run the figures' queries on what it let through; the CSV export is the
            # dashboard's figures in another format.
            query = {name: value, **({"figure": "received"} if name != "figure" else {})}
            asked = [
                ("/stats/cases", {}),
                ("/api/v1/stats", {"Authorization": f"Bearer {token}"}),
            ]
            for url, headers in asked:
                status = browser.get(url, query_string=query, headers=headers).status_code
                assert status in (200, 422), (url, name, value, status)
                answers.add(status)
            # The dashboard draws the same figures: it is asked for everything the parser let
            # through (its charts and filter summary then show it) and for one refusal of
            # each parameter (its message); the other refusals are the parser's, seen above.
            if status == 200 or not refused_on_the_page:
                page = browser.get("/stats/", query_string=query).status_code
                assert page == status, ("/stats/", name, value, page, status)
                refused_on_the_page |= page == 422
    assert answers == {200, 422}


def test_a_database_with_uncounted_cases_says_so_until_the_rebuild(app, demo, browser):
    with app.test_request_context():
        for _ in range(3):
            filed_case()
    forget_figures()
    browser.login("supervisor1")
    waiting = browser.get("/stats/", headers={"Accept-Language": "en"})
    assert waiting.status_code == 503
    assert "flask figures rebuild" in waiting.get_data(as_text=True)
    token = (
        app.test_client()
        .post("/api/v1/tokens", json={"username": "supervisor1", "password": "demo-2026"})
        .json["token"]
    )
    api = app.test_client().get("/api/v1/stats", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 503

    runner = app.test_cli_runner()
    assert "3 cases counted" in runner.invoke(args=["figures", "rebuild"]).output
    assert figures_on_page(browser.get("/stats/").get_data(as_text=True))["received"] == "3"
    verified = runner.invoke(args=["figures", "verify"])
    assert verified.exit_code == 0 and "equal a recount" in verified.output
    from sqlalchemy import update

    from mediation.models import FigureRollup

    db.session.execute(update(FigureRollup).values(received=FigureRollup.received + 1))
    db.session.commit()
    tampered = runner.invoke(args=["figures", "verify"])
    assert tampered.exit_code == 1 and "figure_rollups: 0 rows" not in tampered.output


def test_a_long_list_behind_a_figure_is_paged(app, demo, browser):
    from mediation.stats.compute import DRILL_DOWN_PAGE

    with app.test_request_context():
        worker = user("worker1")
        for _ in range(DRILL_DOWN_PAGE + 1):
            file_case(application(applicant=account_party(worker)), actor=worker)
        db.session.commit()  # the rollups count the cases of a commit at once
    browser.login("supervisor1")
    first = browser.get("/stats/cases?figure=received", headers={"Accept-Language": "en"})
    html = first.get_data(as_text=True)
    assert "Page 1 of 2" in html and html.count('<th scope="row">') == DRILL_DOWN_PAGE
    second = browser.get("/stats/cases?figure=received&page=2").get_data(as_text=True)
    assert second.count('<th scope="row">') == 1
    beyond = browser.get("/stats/cases?figure=received&page=9").get_data(as_text=True)
    assert beyond.count('<th scope="row">') == DRILL_DOWN_PAGE  # back to the first page
