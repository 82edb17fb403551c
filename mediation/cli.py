"""``flask`` commands: demo data and staff accounts."""

import time

import click
from flask import Flask, current_app
from sqlalchemy import select

from mediation import demo_history
from mediation.auth import accounts, passwords
from mediation.cases.sweep import sweep
from mediation.core import audit_chain
from mediation.delivery.outbox import deliver_due
from mediation.demo import seed_demo, seed_demo_cases
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Employer, Organization, Region, Role
from mediation.retention.cli import retention_group
from mediation.stats import figures


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_staff_command)
    app.cli.add_command(outbox)
    app.cli.add_command(deadlines_group)
    app.cli.add_command(figures_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(retention_group)


@click.group("figures")
def figures_group() -> None:
    """The supervisor's figures (rollups kept with every change)."""


@figures_group.command("rebuild")
def rebuild_command() -> None:
    """Recount every case into the rollups: once after upgrading a database that has cases,
    or after loading cases in bulk. Safe while the app runs (changes wait for it)."""

    started = time.perf_counter()
    cases = figures.rebuild()
    db.session.commit()
    click.echo(f"Figures: {cases} cases counted in {time.perf_counter() - started:.1f} s.")


@figures_group.command("verify")
def verify_command() -> None:
    """Compare the rollups with a recount of the cases; exits 1 if any row differs."""

    differences = figures.verify()
    db.session.rollback()
    for table, rows in differences.items():
        click.echo(f"{table}: {rows} rows differ")
    if any(differences.values()):
        raise SystemExit(1)
    click.echo("Figures: the rollups equal a recount of the cases.")


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("seal")
def seal_command() -> None:
    """Seal the events written since the last round (the worker does it every minute)."""

    total = 0
    while sealed := audit_chain.seal():
        total += sealed
    click.echo(f"Audit log: {total} events sealed.")


@audit_group.command("verify")
def verify_audit_command() -> None:
    """Recompute every seal; exits 1 and names each event changed, removed or slipped in."""

    problems = audit_chain.verify()
    db.session.rollback()
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise SystemExit(1)
    click.echo("Audit log: every event is sealed and unchanged.")


@click.group("deadlines")
def deadlines_group() -> None:
    """Legal deadlines."""


@deadlines_group.command("sweep")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Pretend it is this day.")
def sweep_command(today) -> None:
    """Remind staff a working day ahead, mark overdue cases, tell workers arbitration is open.

    Idempotent: run it every few minutes; each reminder is sent once.
    """

    report = sweep(today.date() if today else local_today(), end_batch=db.session.commit)
    click.echo(
        f"Deadlines: {report.reminders} reminders, {report.overdue} newly overdue, "
        f"{report.arbitration_notices} arbitration notices, {report.unserved_documents} "
        f"documents unserved, {report.limitation_reminders} limitation reminders."
    )


@click.group()
def outbox() -> None:
    """The SMS and e-mail outbox (the Celery worker empties it; this is for operators)."""


@outbox.command("deliver")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def deliver_command(limit: int) -> None:
    """Send the messages that are due now (safe alongside workers; each is sent once)."""

    report = deliver_due(limit=limit)
    click.echo(
        f"Outbox: {report.sent} sent, {report.retried} to retry, {report.failed} failed for good."
    )


@click.command("seed-demo")
@click.option("--no-cases", is_flag=True, help="Only the jurisdiction and accounts.")
@click.option(
    "--history/--no-history",
    default=False,
    show_default=True,
    help="Also a year of cases received in the district, for the figures and worklists "
    "(make run asks for it).",
)
@click.option(
    "--history-cases",
    default=demo_history.DEMO_CASES,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many cases the year has.",
)
def seed_demo_command(no_cases: bool, history: bool, history_cases: int) -> None:
    """Create the demo jurisdiction, accounts, a year of history and a few live cases
    (development only; idempotent: what is there already is not added again)."""

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo accounts are never created in production.")
    added = seed_demo()
    if not no_cases:
        if history:
            started = time.perf_counter()
            if loaded := demo_history.seed_history(history_cases):
                click.echo(
                    f"Demo history: {loaded} cases over the last year, figures rebuilt, in "
                    f"{time.perf_counter() - started:.1f} s."
                )
            added += loaded
        # After the history, so that these get the next numbers and are the newest.
        added += seed_demo_cases()
    db.session.commit()
    click.echo(f"Demo data: {added} rows added." if added else "Demo data already present.")


@click.command("create-staff")
@click.argument("username")
@click.option("--name", required=True, help="The person's name as shown to others.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role if role is not Role.worker]),
)
@click.option("--organization", "organization_name", help="Organisation name (staff roles).")
@click.option("--employer", "uscc", help="Employer USCC (employer representatives).")
@click.option("--region", "region_code", help="Region code (supervisors).")
@click.option("--phone")
@click.password_option(help="Prompted for when not given.")
def create_staff_command(
    username, name, role, organization_name, uscc, region_code, phone, password
) -> None:
    """Create a staff, employer-representative, supervisor or admin account."""

    # The rules of every password a person chooses (auth.passwords); accounts.create_staff
    # does not judge passwords, the demo's among them.
    personal = passwords.personal_words(name=name, phone=phone, username=username)
    refused = passwords.refusal(password, personal)
    if refused is not None:
        raise click.ClickException(f"password: {refused}")

    def lookup(model, **key):
        value = next(iter(key.values()))
        if value is None:
            return None
        found = db.session.scalar(select(model).filter_by(**key))
        if found is None:
            raise click.BadParameter(f"no {model.__tablename__} row with {key}")
        return found

    try:
        user = accounts.create_staff(
            actor=None,
            username=username,
            name=name,
            role=Role(role),
            password=password,
            phone=phone,
            organization=lookup(Organization, name=organization_name),
            employer=lookup(Employer, uscc=uscc),
            region=lookup(Region, code=region_code),
        )
    except accounts.AccountError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.username}.")
