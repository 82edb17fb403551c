"""The audit log as administrators read it: newest first, filtered by kind, person, case and
dates, with identifiers shown masked (the log keeps no plain phone or ID number)."""

from datetime import date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import Select, false, select
from sqlalchemy.orm import selectinload

from mediation.admin.audit_forms import AuditFilterForm
from mediation.cases.triggers import event_title
from mediation.core.answers import mark_failed
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import AuditEvent, Case, User
from mediation.paging import page_number
from mediation.translation import lazy_gettext as _l

PAGE_SIZE = 50

# The words for the events outside a case's timeline (the timeline's own come from
# cases.triggers.event_title); an action without words here is shown by its code.
TITLES = {
    "security.login_failed": _l("Sign-in failed"),
    "retention.run": _l("Retention job run"),
    "security.second_factor_failed": _l("Wrong sign-in app code"),
    "security.sign_in_paused": _l("Sign-ins paused after failures"),
    "security.case_not_visible": _l("Case not visible to the user"),
    "security.denied": _l("Action refused"),
    "read.evidence": _l("Evidence opened"),
    "read.case_elsewhere": _l("Case of another organisation opened"),
    "read.export": _l("Table exported"),
    "read.drill_down": _l("Cases behind a figure listed"),
    "read.message_attachment": _l("Message attachment opened"),
    "read.representative_letter": _l("Letter of authorisation opened"),
    "read.agreement_scan": _l("Signed agreement scan opened"),
    "read.payment_proof": _l("Proof of payment opened"),
    "account.login": _l("Signed in"),
    "account.logout": _l("Signed out everywhere"),
    "account.created": _l("Account created"),
    "account.registered": _l("Worker registered"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset by SMS code"),
    "account.two_factor_enrolled": _l("Sign-in app set up"),
    "account.two_factor_reset": _l("Sign-in app reset"),
    "account.recovery_code_used": _l("Recovery code used"),
    "account.recovery_codes_renewed": _l("New recovery codes made"),
    "account.api_token_issued": _l("API token issued"),
    "account.api_token_revoked": _l("API token revoked"),
}


def title(action: str):
    return TITLES.get(action) or event_title(action)


def shown_details(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's details as key and text; an identifier shows only its masked form."""
    shown = []
    for key, value in sorted((event.details or {}).items()):
        if isinstance(value, dict) and "masked" in value:
            value = value["masked"]
        shown.append((key, str(value)))
    return shown


def audit_log():
    form = AuditFilterForm(formdata=request.args)
    query = (
        select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    )
    # Every problem at once: the people and cases named are looked up even when a date is wrong.
    form.validate()
    query = _filtered(query, form)
    if form.errors:
        mark_failed()
        query = query.where(false())
    page = db.paginate(query, page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False)
    case_ids = {event.case_id for event in page.items if event.case_id}
    numbers = dict(
        db.session.execute(select(Case.id, Case.number).where(Case.id.in_(case_ids))).tuples().all()
    )
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        numbers=numbers,
        title=title,
        details=shown_details,
        args={name: value for name, value in request.args.items() if name != "page"},
    )


def _filtered(query: Select, form: AuditFilterForm) -> Select:
    """The query narrowed by each filter; a person or case that does not exist is a field
    error (nothing is listed) rather than an empty page that looks like "no events"."""
    kind = form.kind.data
    if kind:
        query = query.where(AuditEvent.action.startswith(f"{kind}.", autoescape=True))
    if form.actor.data:
        actor = db.session.scalar(select(User.id).where(User.username == form.actor.data))
        if actor is None:
            form.actor.errors.append(_l("No account has this username."))
        query = query.where(AuditEvent.actor_id == actor)
    if form.case.data:
        case = db.session.scalar(select(Case.id).where(Case.number == form.case.data.upper()))
        if case is None:
            form.case.errors.append(_l("No case has this number."))
        query = query.where(AuditEvent.case_id == case)
    # The first and last days a date can name bound nothing (and have no day beyond them).
    if form.start.data and form.start.data > date.min:
        query = query.where(AuditEvent.occurred_at >= _local_midnight(form.start.data))
    if form.end.data and form.end.data < date.max:
        end = _local_midnight(form.end.data + timedelta(days=1))
        query = query.where(AuditEvent.occurred_at < end)
    return query


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)
