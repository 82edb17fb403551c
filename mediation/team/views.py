"""The team page and the assign form (on the case page and the team page). Each view: load
(404 unless visible), ask the policy (403), validate, one operation, redirect. Refusals and
the operation's input problems are answered by the blueprint's handlers."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mediation import policy
from mediation.cases import assignment
from mediation.cases.loading import load_case
from mediation.cases.page import render_page
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Case, User
from mediation.policy import Act
from mediation.queue.worklist import Filters, worklist_page
from mediation.team.forms import AssignForm
from mediation.team.loads import team_loads
from mediation.translation import gettext as _

WAITING_SHOWN = 50  # the rest are in the queue, nearest deadline first as here


def index():
    if not policy.is_team_lead(current_user):
        abort(403)
    today = local_today()
    waiting = worklist_page(current_user, Filters(view="queue"), today, 1, WAITING_SHOWN)
    return render_template(
        "team/index.html",
        organization=current_user.organization,
        loads=team_loads(current_user.organization_id, today),
        waiting=waiting,
        mediators=assignment.assignable_mediators(current_user.organization_id),
        # One form for every waiting case: its CSRF token and choices; each row names its case.
        form=AssignForm(current_user.organization_id, None, formdata=None),
    )


def _case_page(case: Case, form: AssignForm, status: int):
    return render_page(case, {"assign": form}), status


def assign(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.assign)
    form = AssignForm.for_case(case)
    # Before the form's problems: they are judged against who holds the case now.
    assignment.require_unchanged(case, form.seen.data)
    if not form.validate_on_submit():
        return _case_page(case, form, 422)
    kind = assignment.assign(
        case,
        actor=current_user,
        mediator=db.session.get(User, form.mediator_id.data),
        reason=form.reason.data,
        seen_mediator_id=form.seen.data,
    )
    name = case.mediator.name
    flash(
        _("Case %(number)s is now with %(name)s.", number=case.number, name=name)
        if kind == "assigned"
        else _("Case %(number)s went to %(name)s; both were told.", number=case.number, name=name),
        "success",
    )
    if request.form.get("next") == "team":
        return redirect(url_for("team.index"))
    return redirect(url_for("cases.show", case_id=case.id))


def invalid_assignment(errors: dict[str, list]):
    """The case page again, the form as sent, each problem the operation found beside its
    field."""
    case = load_case(request.view_args["case_id"])
    form = AssignForm.for_case(case)
    for name, messages in errors.items():
        field = getattr(form, name, None) or form.mediator_id
        field.errors = [*field.errors, *messages]
    return _case_page(case, form, 422)
