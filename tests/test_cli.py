"""The flask commands: demo data and staff accounts."""

import pytest
from sqlalchemy import func, select

from mediation.demo import EMPLOYERS
from mediation.extensions import db
from mediation.models import Case, Organization, OrgKind, Role, User
from mediation.validators import normalise_uscc

pytestmark = pytest.mark.both_databases


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "rows added" in first.output
    users = db.session.scalar(select(func.count(User.id)))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already present" in second.output
    assert db.session.scalar(select(func.count(User.id))) == users == 11
    assert db.session.scalar(select(func.count(Case.id))) == 2  # demo cases, filed once


def test_demo_jurisdiction_has_every_tier_and_a_reemployment_centre(app, demo):
    kinds = set(db.session.scalars(select(Organization.kind)))
    assert kinds == set(OrgKind)
    committee = db.session.scalar(
        select(Organization).where(Organization.kind == OrgKind.enterprise)
    )
    assert committee.employer.uscc == "91350100M000100Y43"
    employer1 = db.session.scalar(select(User).where(User.username == "employer1"))
    assert employer1.employer == committee.employer


def test_demo_employers_have_valid_codes():
    for uscc, *_ in EMPLOYERS:
        assert normalise_uscc(uscc) == uscc


def test_seed_demo_refuses_production(app):
    app.config["ENV_NAME"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["ENV_NAME"] = "test"
    assert result.exit_code != 0
    assert "never created in production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_staff_command(app, demo):
    result = app.test_cli_runner().invoke(
        args=[
            "create-staff",
            "med_new",
            "--name",
            "新调解员",
            "--role",
            "mediator",
            "--organization",
            "东城街道劳动人事争议调解中心",
            "--password",
            "pass-word-1",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "med_new"))
    assert user.role is Role.mediator and user.organization.name == "东城街道劳动人事争议调解中心"


def test_create_staff_command_refuses_a_mediator_of_a_reemployment_centre(app, demo):
    result = app.test_cli_runner().invoke(
        args=[
            "create-staff",
            "med_bad",
            "--name",
            "某",
            "--role",
            "mediator",
            "--organization",
            "清城区再就业服务中心",
            "--password",
            "pass-word-1",
        ]
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "med_bad")) is None


def test_make_run_seeds_a_year_of_about_three_thousand_cases():
    """`make run` asks for the history without a size: the command's default is a year of
    3,000 cases (how long that takes is measured by hand, not here)."""
    import inspect
    import re
    from pathlib import Path

    from mediation.cli import seed_demo_command
    from mediation.demo_history import seed_history

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"flask seed-demo --history\s*$", run, re.MULTILINE)
    defaults = {param.name: param.default for param in seed_demo_command.params}
    assert defaults["history_cases"] == 3000
    signature = inspect.signature(seed_history).parameters
    assert signature["cases"].default == 3000 and signature["days"].default == 365


def test_a_second_seed_with_history_adds_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--history", "--history-cases", "40"])
    assert first.exit_code == 0 and "Demo history: 40 cases" in first.output
    cases = db.session.scalar(select(func.count(Case.id)))
    second = runner.invoke(args=["seed-demo", "--history", "--history-cases", "40"])
    assert second.exit_code == 0 and "already present" in second.output
    assert "Demo history" not in second.output
    assert db.session.scalar(select(func.count(Case.id))) == cases == 40 + 2
