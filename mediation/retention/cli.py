"""``flask retention run [--dry-run]``: the retention sweep by hand (the worker runs it daily)."""

import click

from mediation.retention.sweep import run


@click.group("retention")
def retention_group() -> None:
    """Anonymising closed cases whose retention period ended (个人信息保护法 第四十七条)."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Count the cases due; change nothing.")
def run_command(dry_run: bool) -> None:
    """Anonymise every closed case whose retention period has ended. Safe alongside the worker:
    each case is anonymised once."""

    report = run(dry_run=dry_run)
    if dry_run:
        click.echo(f"Retention (dry run): {report.due} cases due; nothing changed.")
    else:
        click.echo(f"Retention: {report.anonymised} of {report.due} cases due anonymised.")
