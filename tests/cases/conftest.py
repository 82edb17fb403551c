"""What the case tests share."""

from datetime import UTC, date, datetime, time

import pytest

from mediation.localtime import SHANGHAI
from tests.factories import filed_case


class Clock:
    """Today (Shanghai) for the pages, the triggers, the operations and the sweep, set by the
    test: ``clock.today = date(…)``; every moment of that day reads 10:00."""

    def __init__(self, monkeypatch) -> None:
        self.today = date(2025, 1, 1)
        now = lambda: datetime.combine(self.today, time(10), SHANGHAI).astimezone(UTC)  # noqa: E731
        for where in ("mediation.localtime", "mediation.cases.triggers"):
            monkeypatch.setattr(f"{where}.utcnow", now)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def signed_in(app, demo, make_browser):
    """``signed_in("worker1")``: a browser of its own, signed in as that demo account."""

    def sign_in(username: str):
        browser = make_browser()
        browser.login(username)
        return browser

    return sign_in


@pytest.fixture
def case(app, demo):
    """A case worker1 filed, committed."""
    return filed_case()
