"""A new district comes on board from files, on a production database with no demo data: the
administrator checks the files (every row's problem at once, nothing written), imports the
corrected ones, creates a mediator, and the mediator's first case reaches the new centre."""

import io
import threading
import time

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy import text as sql

from mediation.admin import imports
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Employer, Organization, Region, User
from mediation.validators import uscc_check_character
from tests.api.bodies import body as filing_body
from tests.cases.test_pages import FILING
from tests.factories import sms_code

EN = {"Accept-Language": "en"}


def uscc(serial: str) -> str:
    first17 = f"91441899MA{serial:0>7}"
    return first17 + uscc_check_character(first17)


EMPLOYER = uscc("1")

REGIONS = """code,name,level,parent_code
441899,新城区,district,
441899001,新城街道,street,441899
441899002,东湖镇,street,441899002
441899101,新城社区,community,441899
"""
REGIONS_FIXED = REGIONS.replace("street,441899002", "street,441899").replace(
    "community,441899\n", "community,441899001\n"
)
EMPLOYERS = f"""统一社会信用代码,名称,注册地区划代码,行业
{EMPLOYER},新城某某制造有限公司,441899001,C
"""
ORGANIZATIONS = """name,name_en,kind,region_code,case_prefix,video_link
新城区劳动人事争议调解中心,Xincheng District Mediation Centre,hr_bureau,441899,XCDC,
新城街道劳动人事争议调解中心,Xincheng Street Mediation Centre,hr_bureau,441899001,XCJD,https://meet.example.cn/xcjd
"""
STAFF = """username,name,role,phone,organization
xc_med2,李调解,mediator,13900139002,新城街道劳动人事争议调解中心
"""


def create_admin(app) -> None:
    """As production does it: ``flask create-staff`` on the server."""
    result = app.test_cli_runner().invoke(
        args=[
            *("create-staff", "root", "--name", "管理员", "--role", "admin"),
            *("--password", "sturdy-pass-2027"),
        ]
    )
    assert result.exit_code == 0, result.output


def upload(browser, files: dict[str, str], action: str):
    data = {kind: (io.BytesIO(text.encode("utf-8")), f"{kind}.csv") for kind, text in files.items()}
    return browser.submit(
        "/admin/imports",
        {**data, "action": action},
        content_type="multipart/form-data",
        headers=EN,
    )


def test_an_admin_onboards_a_district_whose_mediator_gets_the_first_case(app, make_browser):
    assert db.session.scalar(select(func.count(Organization.id))) == 0  # no demo data
    create_admin(app)
    admin = make_browser()
    admin.login("root", "sturdy-pass-2027")
    files = {
        "regions": REGIONS,
        "employers": EMPLOYERS,
        "organizations": ORGANIZATIONS,
        "staff": STAFF.replace("新城街道劳动", "新城镇劳动"),
    }

    checked = upload(admin, files, "check")
    page = checked.get_data(as_text=True)
    assert checked.status_code == 422 and "Nothing was imported" in page
    assert "Row 4 · parent_code: The parent codes go round in a circle" in page
    assert "Row 5 · parent_code: The parent of a Community must be a Street / town" in page
    assert "Row 2 · organization: No organisation is called 新城镇劳动人事争议调解中心" in page
    assert db.session.scalar(select(func.count(Region.id))) == 0

    files |= {"regions": REGIONS_FIXED, "staff": STAFF}
    page = upload(admin, files, "check").get_data(as_text=True)
    assert "Every row is right" in page, page[page.find("import-errors") :][:1500]
    assert db.session.scalar(select(func.count(Region.id))) == 0  # a dry run writes nothing
    assert upload(admin, files, "import").status_code == 302
    street_centre = db.session.scalar(
        select(Organization).where(Organization.case_prefix == "XCJD")
    )
    assert street_centre.region.parent.name == "新城区"
    imported = db.session.scalar(select(User).where(User.username == "xc_med2"))
    assert imported.organization == street_centre
    events = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"region.created", "organization.created", "network.imported"} <= events
    assert "account.password_reset_forced" in events  # sets a password at first sign-in

    response = admin.submit(
        "/admin/accounts/new",
        {
            "username": "xc_med1",
            "name": "王调解",
            "role": "mediator",
            "organization": str(street_centre.id),
            "employer": "0",
            "region": "0",
            "password": "mediate-well-2027",
            "confirm": "mediate-well-2027",
        },
    )
    assert response.status_code == 302
    mediator = make_browser()
    mediator.login("xc_med1", "mediate-well-2027")
    response = mediator.submit(
        "/cases/new/visitor",
        {
            **FILING,
            "employer_name": "新城某某制造有限公司",
            "employer_uscc": EMPLOYER,
            "applicant_name": "赵六",
            "applicant_id_number": "11010519491231002X",
            "applicant_phone": "13700137000",
            "channel": "window",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(Case))
    assert case.organization == street_centre and case.number.startswith("XCJD-")
    page = mediator.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "Xincheng Street Mediation Centre" in page

    # The same through the API: a workbook for the next district, checked, then written.
    token = admin.client.post(
        "/api/v1/tokens", json={"username": "root", "password": "sturdy-pass-2027"}
    ).json["token"]
    auth = {"Authorization": f"Bearer {token}", **EN}
    workbook = Workbook()
    regions = workbook.active
    regions.title = "regions"
    regions.append(["code", "name", "level", "parent_code"])
    regions.append([441898, "旧城区", "district", None])
    regions.append([441898001, "旧城街道", "street", 441898])
    organizations = workbook.create_sheet("organizations")
    organizations.append(["name", "kind", "region_code", "case_prefix"])
    organizations.append(["旧城街道劳动人事争议调解中心", "hr_bureau", 441898001, "XCJD"])
    data = io.BytesIO()
    workbook.save(data)

    def send(dry_run: str, content: bytes):
        return admin.client.post(
            f"/api/v1/admin/imports/workbook?dry_run={dry_run}",
            data={"file": (io.BytesIO(content), "network.xlsx")},
            content_type="multipart/form-data",
            headers=auth,
        )

    refused = send("false", data.getvalue())
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "organizations.2.case_prefix": ["Another organisation numbers its cases with XCJD."]
    }
    organizations["D2"] = "JCJD"
    data = io.BytesIO()
    workbook.save(data)
    assert send("true", data.getvalue()).json == {
        "dry_run": True,
        "counts": {"regions": 2, "organizations": 1},
    }
    assert send("false", data.getvalue()).json["counts"]["regions"] == 2
    assert db.session.scalar(select(Organization).where(Organization.case_prefix == "JCJD"))
    listed = admin.client.get("/api/v1/admin/regions", headers=auth).json["items"]
    assert [r["code"] for r in listed if r["level"] == "district"] == ["441898", "441899"]


def test_a_district_comes_on_board_through_the_api_only(app):
    """The same afternoon as a mobile or integration client sees it: files checked and
    imported, a mediator created, a worker registered, and the worker's case on the new
    mediator's queue, without a page."""
    assert db.session.scalar(select(func.count(Organization.id))) == 0  # no demo data
    create_admin(app)
    client = app.test_client()

    def call(method, path, token=None, **kwargs):
        headers = {**EN, **({"Authorization": f"Bearer {token}"} if token else {})}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def token_of(username, password):
        answer = call("POST", "/tokens", json={"username": username, "password": password})
        assert answer.status_code == 201, answer.json
        return answer.json["token"]

    admin = token_of("root", "sturdy-pass-2027")

    def send(kind: str, text: str, *, dry_run: bool):
        return call(
            "POST",
            f"/admin/imports/{kind}?dry_run={str(dry_run).lower()}",
            admin,
            data={"file": (io.BytesIO(text.encode("utf-8")), f"{kind}.csv")},
            content_type="multipart/form-data",
        )

    checked = send("regions", REGIONS, dry_run=True)
    assert checked.status_code == 422
    assert set(checked.json["errors"]) == {"regions.4.parent_code", "regions.5.parent_code"}
    assert db.session.scalar(select(func.count(Region.id))) == 0
    for kind, text in (
        ("regions", REGIONS_FIXED),
        ("employers", EMPLOYERS),
        ("organizations", ORGANIZATIONS),
    ):
        assert send(kind, text, dry_run=True).json["dry_run"] is True, kind
        assert send(kind, text, dry_run=False).json["counts"] == {kind: text.count("\n") - 1}
    centres = call("GET", "/admin/organizations", admin).json["items"]
    [street_centre] = [centre["id"] for centre in centres if centre["case_prefix"] == "XCJD"]

    created = call(
        "POST",
        "/admin/users",
        admin,
        json={
            "username": "xc_med1",
            "name": "王调解",
            "role": "mediator",
            "password": "mediate-well-2027",
            "organization_id": street_centre,
        },
    )
    assert created.status_code == 201, created.json

    worker = {"name": "赵六", "phone": "13700137000", "id_number": "11010519491231002X"}
    registered = call("POST", "/accounts", json={**worker, "password": "my-own-pass-2027"})
    assert registered.status_code == 202
    verified = call(
        "POST",
        "/accounts/verify",
        json={"phone": worker["phone"], "code": sms_code(worker["phone"])},
    )
    assert verified.status_code == 200
    filed = call(
        "POST",
        "/cases",
        token_of(worker["phone"], "my-own-pass-2027"),
        json=filing_body(employer={"name": "新城某某制造有限公司", "uscc": EMPLOYER}),
    )
    assert filed.status_code == 201, filed.json
    assert filed.json["organization"]["id"] == street_centre
    assert filed.json["number"].startswith("XCJD-")
    queue = call("GET", "/queue", token_of("xc_med1", "mediate-well-2027")).json["items"]
    assert [item["number"] for item in queue] == [filed.json["number"]]


def test_bad_files_are_refused_whole_with_every_problem_named(app, make_browser):
    create_admin(app)
    admin = make_browser()
    admin.login("root", "sturdy-pass-2027")
    db.session.add(
        Employer(
            name="老企业",
            uscc=uscc("9"),
            region=Region(name="老区", level="district", code="441800"),
            industry="C",
        )
    )
    db.session.commit()
    mixed = ("code,name,level,parent_code\n441899,新城区,district,\n").encode() + (
        "441899001,新城街道,street,441899\n".encode("gbk")
    )
    regions_cycle = """code,name,level,parent_code
441897001,甲街道,street,441897002
441897002,乙街道,street,441897001
"""
    employers = f"""uscc,name,region_code,industry
{uscc("9")},老企业二,441800,C
{uscc("2")},甲公司,441800,C
{uscc("2")},乙公司,441800,C
"""
    staff = """username,name,role,phone,organization
xc_boss,某某,boss,13900139005,
"""
    response = admin.submit(
        "/admin/imports",
        {
            "regions": (io.BytesIO(regions_cycle.encode()), "regions.csv"),
            "employers": (io.BytesIO(employers.encode("gbk")), "employers.csv"),
            "staff": (io.BytesIO(staff.encode()), "staff.csv"),
            "action": "import",
        },
        content_type="multipart/form-data",
        headers=EN,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("go round in a circle") == 2
    assert f"Row 2 · uscc: An employer with the code {uscc('9')} is already in the system" in page
    assert f"Row 4 · uscc: {uscc('2')} is also on row 3 of this file." in page
    assert "Row 2 · role: “boss” is no role an import creates" in page
    # One file cannot be read: the others' problems are listed with its own, all but the
    # references to its rows (unknown, not wrong).
    organizations = """name,kind,region_code,case_prefix
新城区劳动人事争议调解中心,hr_bureau,441899,x
"""
    response = admin.submit(
        "/admin/imports",
        {
            "regions": (io.BytesIO(mixed), "regions.csv"),
            "organizations": (io.BytesIO(organizations.encode()), "organizations.csv"),
            "staff": (io.BytesIO(staff.encode()), "staff.csv"),
            "action": "import",
        },
        content_type="multipart/form-data",
        headers=EN,
    )
    page = response.get_data(as_text=True)
    assert "Row 3 is not UTF-8 text like the rest of the file" in page
    assert "Row 2 · case_prefix: 2 to 12 capital letters or digits" in page
    assert "Row 2 · role: “boss” is no role an import creates" in page
    assert "No region has the code 441899" not in page
    assert db.session.scalar(select(func.count(Region.id))) == 1
    assert db.session.scalar(select(func.count(Employer.id))) == 1


def test_an_organisation_holding_open_cases_is_neither_deactivated_nor_deleted(app, demo, browser):
    from tests.factories import filed_case

    case = filed_case()
    centre = case.organization
    browser.login("admin")
    for action in ("deactivate", "delete"):
        response = browser.submit(
            f"/admin/organizations/{centre.id}/{action}",
            {},
            page=f"/admin/organizations/{centre.id}",
            headers=EN,
            follow_redirects=True,
        )
        page = response.get_data(as_text=True)
        assert "holds 1 open case: transfer it to another organisation first" in page
    db.session.expire_all()
    assert db.session.get(Organization, centre.id).active


def test_an_import_whose_data_changed_after_its_dry_run_is_refused_whole(app, make_browser):
    """Between the administrator's dry run and the commit another administrator imports an
    employer of the same file: the commit checks again, names the row and writes nothing."""
    create_admin(app)
    db.session.add(Region(name="老区", level="district", code="441800"))
    db.session.commit()
    taken = uscc("7")
    files = {
        "regions": REGIONS_FIXED,
        "employers": f"uscc,name,region_code,industry\n{taken},老区某某公司,441800,C\n",
    }
    admin = make_browser()
    admin.login("root", "sturdy-pass-2027")
    assert "Every row is right" in upload(admin, files, "check").get_data(as_text=True)

    token = admin.client.post(
        "/api/v1/tokens", json={"username": "root", "password": "sturdy-pass-2027"}
    ).json["token"]
    meanwhile = admin.client.post(
        "/api/v1/admin/imports/employers?dry_run=false",
        data={"file": (io.BytesIO(files["employers"].encode()), "employers.csv")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}", **EN},
    )
    assert meanwhile.json["counts"] == {"employers": 1}

    refused = upload(admin, files, "import")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Nothing was imported" in page
    assert f"Row 2 · uscc: An employer with the code {taken} is already in the system" in page
    db.session.expire_all()
    assert db.session.scalars(select(Region.code)).all() == ["441800"]  # no region of the file
    assert db.session.scalar(select(Employer.name)) == "老区某某公司"
    imports = select(func.count(AuditEvent.id)).where(AuditEvent.action == "network.imported")
    assert db.session.scalar(imports) == 1  # the other administrator's


@pytest.mark.postgresql_only
@pytest.mark.commits  # the other administrator's transaction is a connection of its own
def test_an_employer_recorded_between_the_check_and_the_write_refuses_the_import(app):
    """The same race inside one commit: the rows are checked, then another transaction records
    one of the employers before this one writes it. The unique code decides; the import answers
    with the row's code named instead of failing, and the caller's rollback keeps nothing."""
    create_admin(app)
    db.session.add(Region(name="老区", level="district", code="441800"))
    db.session.commit()
    region_id = db.session.scalar(select(Region.id))
    taken = uscc("8")
    files = {"employers": f"uscc,name,region_code,industry\n{taken},老区某某公司,441800,C\n"}
    other = db.engine.connect()
    other_transaction = other.begin()
    other.execute(
        sql(
            "INSERT INTO employers (name, uscc, region_id, industry)"
            " VALUES ('老区某某公司', :uscc, :region, 'C')"
        ),
        {"uscc": taken, "region": region_id},
    )
    problems = []

    def commit_import():
        with app.test_request_context(headers=EN):
            try:
                actor = db.session.scalar(select(User).where(User.username == "root"))
                report = imports.run_import(
                    {"employers": files["employers"].encode()}, actor=actor, dry_run=False
                )
                problems.extend((p.column, p.code, str(p.message)) for p in report.problems)
            except Exception as error:
                problems.append(type(error).__name__)
            finally:  # as at a request's end: nothing kept, the connection back in the pool
                db.session.rollback()
                db.session.remove()

    worker = threading.Thread(target=commit_import)
    worker.start()
    try:
        # Its check does not see the uncommitted row; its insert waits for the other
        # transaction (a busy machine may take seconds to get there).
        # In autocommit: inside one transaction PostgreSQL answers pg_stat_activity from the
        # snapshot it took at the first read, which would never show the wait begin.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
            for _ in range(1200):
                waiting = watcher.scalar(
                    sql(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
                if waiting or not worker.is_alive():
                    break
                time.sleep(0.05)
        assert waiting, f"the import never waited on the other transaction's row: {problems}"
        other_transaction.commit()
    finally:  # however it went, the other transaction ends: nothing waits on it for ever
        other.close()
        worker.join(timeout=30)
    assert problems == [
        (
            "uscc",
            "changed_meanwhile",
            f"An employer with the code {taken} is already in the system.",
        )
    ]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Employer.id))) == 1
