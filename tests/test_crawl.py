"""A crawler walks the product as every demo role and submits every form it finds, empty and
with hostile values: no answer may be a server error, and every refusal is a real page.

Each role walks its own copy of the demo world with a few cases in it (the test's transaction
is rolled back), from its home page along every same-site link, breadth-first. Links are
deduplicated by route: at most ``PER_ENDPOINT`` distinct paths per endpoint (more case pages)
and ``PER_PATH`` query strings per path, so the walk sees each kind of page and each view of
a list without reading every row of every list. The forms
of the pages walked are then submitted, once per kind of form: blank, then twice with junk
(over-long text with SQL and script in it, impossible and far-away dates, negative and textual
amounts, unknown choices, tampered hidden fields, a file that is not what it claims). GET
forms (filters, searches) are opened with junk in their query instead.
"""

import io
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from mediation.extensions import db
from tests.test_access import DEMO_ACCOUNT

PER_ENDPOINT = 2  # distinct paths (argument values) per endpoint
PER_PATH = 3  # distinct query strings per path: a list's views and filters
# Case pages differ by the case's state and the reader's part in it: one of each of the walk's.
PER_ENDPOINT_OVERRIDES = {"cases.show": 4}
# Not followed or not submitted: they end the walk (sign out, switch language) or undo the
# world the walk stands in (the admin's own account, the demo's organisations and rules).
# Downloads (PDF, CSV) are opened but not read.
SKIPPED = {
    "static",
    "auth.logout",
    "home.set_language",
    "admin.deactivate_account",
    "admin.force_password_reset",
    "admin.reset_second_factor",
    "admin.delete_organization",
    "admin.deactivate_organization",
    "admin.reset_rules",
    "api.revoke_token",
}
# The least a walk must see and submit, per role (pages, form submissions); it sees a few
# more today. Fewer means the crawler has stopped crawling.
MINIMUM = {
    "anonymous": (6, 15),
    "worker": (12, 25),
    "employer_rep": (10, 20),
    "mediator": (14, 60),
    "court_liaison": (8, 30),
    "reemployment_officer": (8, 20),
    "supervisor": (13, 8),
    "admin": (30, 50),
}

AMOUNT = re.compile("amount|wage|salary")  # amounts typed in text fields (inputmode=decimal)
LONG = "长" * 3000
HOSTILE = ("1' OR '1'='1 <script>alert(1)</script> " + LONG, '"><img src=x onerror=alert(1)>')
JUNK = {
    # type: (first junk submission, second one)
    "date": ("2026-02-30", "9999-12-31"),
    "datetime-local": ("2026-02-30T25:61", "0001-01-01T00:00"),
    "time": ("25:61", "-1:00"),
    "number": ("-1", "一千元"),
    "email": ("x@", "a" * 300 + "@example.com"),
    "tel": ("1' OR '1'='1", "1" * 40),
    "url": ("javascript:alert(1)", "http://" + "a" * 3000),
}


@dataclass
class Form:
    action: str
    method: str
    # (input type or tag, name, value)
    fields: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Page:
    url: str
    endpoint: str
    status: int
    forms: list[Form]


class _PageParser(HTMLParser):
    """The links and forms of a page, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").upper())
            self.forms.append(self._form)
        elif self._form is None or (not attrs.get("name") and tag != "option"):
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                kind += "-unchecked"
            if kind not in ("submit", "button", "reset", "image"):
                self._form.fields.append((kind, attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._select = ["select", attrs["name"], ""]
        elif tag == "option" and self._select is not None:
            if "selected" in attrs:
                self._select[2] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = ["textarea", attrs["name"], ""]
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._form.fields.append(("button", attrs["name"], attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append(tuple(self._select))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append(tuple(self._textarea))
            self._textarea = None


class Crawler:
    """Walks the site with one test client (one person's cookies) and notes what went wrong."""

    def __init__(
        self,
        app,
        client,
        *,
        per_endpoint: int = PER_ENDPOINT,
        per_path: int = PER_PATH,
        overrides: dict[str, int] = PER_ENDPOINT_OVERRIDES,
    ) -> None:
        self.client = client
        self.adapter = app.url_map.bind("localhost")
        self.per_endpoint, self.per_path, self.overrides = per_endpoint, per_path, overrides
        self.pages: list[Page] = []
        self.submitted = 0
        self.problems: list[str] = []

    def route(self, url: str, method: str = "GET"):
        """(endpoint, arguments) of a same-site ``url``, or None for what the walk leaves out."""
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "localhost"):
            return None
        try:
            endpoint, arguments = self.adapter.match(parts.path, method=method)
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return None
        return None if endpoint in SKIPPED else (endpoint, arguments)

    def request(self, method: str, url: str, **kwargs):
        """The answer, or None after noting a server error (the test app raises it)."""
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:
            self.problems.append(f"{method} {url}: {type(error).__name__}: {error}"[:400])
            return None
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        if response.status_code >= 500:
            self.problems.append(f"{method} {url}: {response.status_code}")
        elif response.status_code >= 400 and ("<main" not in body or "Traceback" in body):
            self.problems.append(f"{method} {url}: {response.status_code} is not a page")
        return response

    def walk(self, start: str = "/") -> list[Page]:
        seen_urls: set[str] = set()
        per_endpoint: dict[str, dict[str, int]] = {}
        queue = deque([start])
        while queue:
            url = queue.popleft().split("#")[0]
            target = self.route(url)
            if url in seen_urls or target is None:
                continue
            seen_urls.add(url)
            endpoint, path = target[0], urlsplit(url).path
            paths = per_endpoint.setdefault(endpoint, {})
            limit = self.overrides.get(endpoint, self.per_endpoint)
            if (path not in paths and len(paths) >= limit) or paths.get(path, 0) >= self.per_path:
                continue
            paths[path] = paths.get(path, 0) + 1
            response = self.request("GET", url)
            if response is None:
                continue
            if response.status_code in (301, 302, 303):
                queue.append(urljoin(url, response.headers["Location"]))
                continue
            if response.mimetype != "text/html":
                continue
            parser = _PageParser()
            parser.feed(response.get_data(as_text=True))
            self.pages.append(Page(url, endpoint, response.status_code, parser.forms))
            queue.extend(urljoin(url, link) for link in parser.links)
        return self.pages

    def submit_forms(self) -> None:
        """Every kind of form once: the same form on another case page adds nothing."""
        done = set()
        for page in self.pages:
            for form in page.forms:
                action = urljoin(page.url, form.action or page.url)
                target = self.route(action, form.method)
                if target is None:
                    continue
                endpoint, arguments = target
                kind = (endpoint, form.method, tuple(sorted(
                    (name, value) for name, value in arguments.items() if not isinstance(value, int)
                )))  # fmt: skip
                if kind in done:
                    continue
                done.add(kind)
                if form.method == "GET":
                    for variant in (0, 1):
                        query = urlencode(list(self.filled(form, variant).items(multi=True)))
                        self.request("GET", f"{urlsplit(action).path}?{query}")
                        self.submitted += 1
                    continue
                for variant in (None, 0, 1):
                    self.request("POST", action, data=self.filled(form, variant))
                    self.submitted += 1

    @staticmethod
    def filled(form: Form, variant: int | None) -> MultiDict:
        """The form's data: blank (``None``) or the ``variant``-th junk."""
        data = MultiDict()
        for kind, name, value in form.fields:
            if name == "csrf_token" or kind == "button":
                data.add(name, value)
            elif kind == "hidden":
                data.add(name, value if variant != 1 else "abc")
            elif kind == "file":
                if variant is not None:
                    content = (b"%PDF-1.4 not really", b"MZ\x90\x00")[variant]
                    filename = ("<script>.pdf", "../../etc/passwd.exe")[variant]
                    data.add(name, (io.BytesIO(content), filename))
            elif kind.endswith("-unchecked") or kind in ("checkbox", "radio"):
                if variant is not None:
                    data.add(name, value if variant == 0 else "zzz")
            elif variant is None:
                data.add(name, "")
            elif kind == "select":
                data.add(name, ("999999", "<script>")[variant])
            elif AMOUNT.search(name):
                data.add(name, JUNK["number"][variant])
            else:
                data.add(name, JUNK.get(kind, HOSTILE)[variant])
        return data


def crawl_world() -> None:
    """A few cases for the walk to find: one filed, one in mediation at the enterprise's
    committee, one at med_hr's centre with minutes to answer and an agreement to sign, one at
    the court, and a referral at the re-employment centre."""
    from decimal import Decimal

    from mediation.cases.agreements import draft_agreement
    from mediation.demo import seed_demo_cases
    from mediation.referrals.operations import refer_if_job_lost
    from tests.factories import filed_case, held_session, mediating_case, user
    from workflows.case import Tier

    seed_demo_cases()
    case = mediating_case("med_hr")
    held_session(case, "双方陈述了各自的意见。")
    draft_agreement(
        case, actor=user("med_hr"), terms="公司支付工资。", amount=Decimal("6500"), due_date=None
    )
    filed_case(preferred_tier=Tier.court)
    refer_if_job_lost(filed_case(lost_job=True, reemployment_consent=True), actor=user("med_hr"))
    db.session.commit()


def signed_in_crawler(app, role: str, **kwargs) -> Crawler:
    from tests.conftest import Browser

    browser = Browser(app.test_client())
    if role != "anonymous":
        browser.login(DEMO_ACCOUNT[role])
    return Crawler(app, browser.client, **kwargs)


@pytest.mark.parametrize("role", ["anonymous", *DEMO_ACCOUNT])
def test_every_page_and_form_answers_without_a_server_error(app, demo, role):
    crawl_world()
    crawler = signed_in_crawler(app, role)
    pages = crawler.walk()
    crawler.submit_forms()
    assert not crawler.problems, f"{role}: {crawler.problems}"
    least_pages, least_submissions = MINIMUM[role]
    assert len(pages) >= least_pages, f"{role} saw only {[page.url for page in pages]}"
    assert crawler.submitted >= least_submissions, f"{role} submitted {crawler.submitted}"
