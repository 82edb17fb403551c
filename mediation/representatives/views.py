"""Thin handlers: load the registration (404 unless this user may decide it), then one
operation of ``mediation.auth.representatives``."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mediation.auth import representatives
from mediation.core.answers import mark_failed
from mediation.models import RepresentativeRequest
from mediation.representatives.forms import RejectForm
from mediation.translation import gettext as _
from mediation.uploads import attachment_response


def _load(registration_id: int) -> RepresentativeRequest:
    registration = representatives.load_registration(registration_id, current_user)
    if registration is None:
        abort(404)
    return registration


def _page(registration: RepresentativeRequest, form: RejectForm | None = None, status=200):
    return (
        render_template(
            "representatives/show.html",
            registration=registration,
            undecided=representatives.waiting_for_staff(registration),
            form=form or RejectForm(formdata=None),
        ),
        status,
    )


def back_to_registration() -> str:
    """Where a refused decision returns: the registration's page."""
    registration_id = (request.view_args or {}).get("registration_id")
    if registration_id is None:
        return url_for("representatives.queue")
    return url_for("representatives.show", registration_id=registration_id)


def invalid_decision(errors: dict[str, list]):
    """The page again with the reason as typed and the problem beside it."""
    registration = _load(request.view_args["registration_id"])
    form = RejectForm()
    for field, messages in errors.items():
        getattr(form, field).errors = list(messages)
    return _page(registration, form, 422)


def queue():
    return render_template(
        "representatives/queue.html",
        waiting=representatives.queue(current_user),
        decided=representatives.decided(current_user),
    )


def show(registration_id: int):
    return _page(_load(registration_id))


def approve(registration_id: int):
    registration = _load(registration_id)
    representatives.approve(registration, actor=current_user)
    flash(
        _(
            "%(name)s now represents %(employer)s and was told by SMS.",
            name=registration.user.name,
            employer=registration.employer.name,
        ),
        "success",
    )
    return redirect(url_for("representatives.queue"))


def reject(registration_id: int):
    registration = _load(registration_id)
    form = RejectForm()
    if not form.validate():
        mark_failed()
        return _page(registration, form, 422)
    representatives.reject(registration, actor=current_user, reason=form.reason.data)
    flash(
        _(
            "The registration of %(name)s was rejected; they were told by SMS.",
            name=registration.user.name,
        ),
        "success",
    )
    return redirect(url_for("representatives.queue"))


def letter(registration_id: int):
    registration = _load(registration_id)
    representatives.letter_opened(registration, actor=current_user)
    return attachment_response(representatives.letters_dir(), registration)
