"""The case page's sessions, minutes, extension and suspensions of the limitation: what each
person sees and may answer, and the handlers of their forms. Each handler: load (404 unless
visible), check the policy (403), validate (the page again with the problems beside their
fields), call one operation, redirect."""

from datetime import datetime
from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user

from mediation import policy
from mediation.cases import extension, sessions, suspension
from mediation.cases.loading import load_case
from mediation.cases.page import render_page
from mediation.cases.session_forms import (
    CancelForm,
    ExtensionAnswerForm,
    ExtensionForm,
    MinutesAnswerForm,
    MinutesForm,
    PaperConsentForm,
    RescheduleForm,
    SessionAnswerForm,
    SessionForm,
    SuspensionEndForm,
    SuspensionForm,
    show_problems,
)
from mediation.cases.session_page import form_prefix
from mediation.localtime import SHANGHAI
from mediation.models import Attendance, Case, SessionMode, SuspensionCause
from mediation.policy import Act
from mediation.translation import gettext as _
from mediation.uploads import UploadRejected, evidence_root, store_upload

# -- Handlers ----------------------------------------------------------------------------------


def _page(case: Case, bound: dict, status: int = 422):
    return render_page(case, bound), status


def _back(case: Case, anchor: str):
    return redirect(url_for("cases.show", case_id=case.id, _anchor=anchor))


def _moment(form: SessionForm) -> datetime | None:
    if form.date.data is None or form.time.data is None:
        return None
    return datetime.combine(form.date.data, form.time.data, tzinfo=SHANGHAI)


def _plan(case: Case, form: SessionForm) -> dict[str, Any] | None:
    """The session's plan from a valid form, or None with the problems put on the form."""
    valid = form.validate_on_submit()
    starts_at = _moment(form)
    if starts_at is not None:
        found = sessions.problems(
            case,
            starts_at=starts_at,
            mode=SessionMode(form.mode.data),
            location=form.location.data,
            video_link=form.video_link.data,
        )
        show_problems(form, found)
        valid = valid and not found
    if not valid:
        return None
    return {
        "starts_at": starts_at,
        "mode": SessionMode(form.mode.data),
        "location": form.location.data,
        "video_link": form.video_link.data,
    }


def add_session(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.schedule_session)
    form = SessionForm(prefix="schedule")
    if (plan := _plan(case, form)) is None:
        return _page(case, {"schedule": form})
    sessions.schedule_session(case, actor=current_user, **plan)
    flash(_("The session is scheduled; both parties were told."), "success")
    return _back(case, "sessions")


def reschedule_session(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.change_session)
    session = sessions.load_session(case, session_id)
    key = form_prefix("reschedule", session)
    form = RescheduleForm(prefix=key)
    if (plan := _plan(case, form)) is None:
        return _page(case, {key: form})
    sessions.reschedule_session(case, session, actor=current_user, reason=form.reason.data, **plan)
    flash(_("The session was moved; both parties were told."), "success")
    return _back(case, "sessions")


def cancel_session(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.change_session)
    session = sessions.load_session(case, session_id)
    key = form_prefix("cancel", session)
    form = CancelForm(prefix=key)
    if not form.validate_on_submit():
        return _page(case, {key: form})
    sessions.cancel_session(case, session, actor=current_user, reason=form.reason.data)
    flash(_("The session was cancelled; both parties were told."), "success")
    return _back(case, "sessions")


def answer_session(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.answer_session)
    session = sessions.load_session(case, session_id)
    key = form_prefix("answer", session)
    form = SessionAnswerForm(prefix=key)
    valid = form.validate_on_submit()
    if valid and form.attendance.data == Attendance.other_time and not form.note.data:
        show_problems(form, {"note": [sessions.TIME_NEEDED]})
        valid = False
    if not valid:
        return _page(case, {key: form})
    sessions.answer_session(
        case,
        session,
        actor=current_user,
        attendance=Attendance(form.attendance.data),
        note=form.note.data,
    )
    flash(_("Your answer was sent to the mediator."), "success")
    return _back(case, "sessions")


def write_minutes(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.write_minutes)
    session = sessions.load_session(case, session_id)
    key = form_prefix("minutes", session)
    form = MinutesForm(prefix=key)
    if not form.validate_on_submit():
        return _page(case, {key: form})
    sessions.write_minutes(
        case, session, actor=current_user, minutes=form.minutes.data, attendees=form.attendees.data
    )
    flash(_("The minutes were saved; both parties are asked to confirm them."), "success")
    return _back(case, "sessions")


def answer_minutes(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.answer_minutes)
    session = sessions.load_session(case, session_id)
    key = form_prefix("confirm", session)
    form = MinutesAnswerForm(prefix=key)
    valid = form.validate_on_submit()
    confirm = form.answer.data == "confirm"
    if valid and not confirm and not form.note.data:
        show_problems(form, {"note": [sessions.NOTE_NEEDED]})
        valid = False
    if not valid:
        return _page(case, {key: form})
    sessions.answer_minutes(case, session, actor=current_user, confirm=confirm, note=form.note.data)
    flash(_("Your answer to the minutes was recorded."), "success")
    return _back(case, "sessions")


def propose_extension(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.propose_extension)
    form = ExtensionForm(prefix="extension")
    if not form.validate_on_submit():
        return _page(case, {"extension": form})
    extension.propose_extension(
        case, actor=current_user, days=form.days.data, reason=form.reason.data
    )
    flash(_("The extension was proposed; both parties are asked to agree."), "success")
    return _back(case, "extension")


def answer_extension(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.answer_extension)
    form = ExtensionAnswerForm(prefix="extension-answer")
    if not form.validate_on_submit():
        return _page(case, {"extension_answer": form})
    extension.answer_extension(case, actor=current_user, consent=form.answer.data == "agree")
    flash(_("Your answer to the extension was recorded."), "success")
    return _back(case, "extension")


def extension_paper(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.record_extension_paper)
    form = PaperConsentForm(prefix="paper")
    if not form.validate_on_submit():
        return _page(case, {"paper": form})
    try:
        stored = store_upload(form.form.data, evidence_root())
    except UploadRejected as error:  # checked by content like evidence: an input problem
        show_problems(form, {"form": [error.message]})
        return _page(case, {"paper": form})
    extension.record_paper_consent(case, actor=current_user, form=stored)
    flash(_("The consent on paper was recorded; the mediation period is extended."), "success")
    return _back(case, "extension")


def record_suspension(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.record_suspension)
    form = SuspensionForm(prefix="suspension")
    valid = form.validate_on_submit()
    # The rules too, on whatever could be read: every problem of the submission at once.
    found = suspension.problems(
        case, starts_on=form.starts_on.data, ends_on=form.ends_on.data, reason=form.reason.data
    )
    show_problems(form, found)
    if not valid or found:
        return _page(case, {"suspension": form})
    suspension.record_suspension(
        case,
        actor=current_user,
        cause=SuspensionCause(form.cause.data),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        reason=form.reason.data,
    )
    flash(_("The suspension of the time limit was recorded; the worker was told."), "success")
    return _back(case, "suspensions")


def end_suspension(case_id: int, suspension_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.end_suspension)
    lasting = suspension.load_suspension(case, suspension_id)
    form = SuspensionEndForm(prefix="suspension-end")
    valid = form.validate_on_submit()
    found = suspension.end_problems(lasting, form.ends_on.data) if form.ends_on.data else {}
    show_problems(form, found)
    if not valid or found:
        return _page(case, {"suspension_end": form})
    suspension.end_suspension(case, lasting, actor=current_user, ends_on=form.ends_on.data)
    flash(_("The end of the suspension was recorded; the worker was told."), "success")
    return _back(case, "suspensions")
