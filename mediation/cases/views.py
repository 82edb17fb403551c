"""The case page and what people do on it. Each view: load (404 unless visible), check the
policy (403), validate the form, call one service, redirect."""

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mediation import policy
from mediation.cases import casework, forms, ratings
from mediation.cases.intake import evidence_dir
from mediation.cases.operations import GuardFailed, IllegalTransition, claim, fire
from mediation.cases.page import ACTION_TITLES, action_form, page_context
from mediation.core.errors import NotPermitted, Refused
from mediation.court import confirmations
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.messages import guard_message, refusal_message
from mediation.models import Case, ConfirmationStatus, Evidence, SessionMode
from mediation.uploads import UploadRejected, attachment_response, delete_stored, store_upload
from workflows.case import CaseTrigger


def load_case(case_id: int) -> Case:
    """The case, if this user may see it; otherwise 404, whether or not it exists."""
    case = db.session.scalar(
        select(Case)
        .options(selectinload(Case.claims), selectinload(Case.category_rows))
        .where(Case.id == case_id, policy.visible_cases(current_user))
    )
    if case is None:
        abort(404)
    return case


def _page(case: Case, bound: dict | None = None, status: int = 200):
    return render_template("cases/show.html", **page_context(case, bound)), status


def _back(case: Case, anchor: str | None = None):
    return redirect(url_for("cases.show", case_id=case.id, _anchor=anchor))


def _require(case: Case, action: str) -> None:
    if action not in policy.case_permissions(current_user, case):
        abort(403)


def _refused(case: Case, code: str):
    flash(refusal_message(code), "error")
    return _back(case)


def show(case_id: int):
    return _page(load_case(case_id))


def _list(where, title: str):
    cases = db.session.scalars(
        select(Case)
        .options(joinedload(Case.organization), joinedload(Case.employer))
        .where(where)
        .order_by(Case.received_at.desc())
    ).all()
    return render_template("cases/list.html", cases=cases, title=title)


def mine():
    return _list(Case.applicant_id == current_user.id, _("My cases"))


def company():
    return _list(Case.employer_id == current_user.employer_id, _("Disputes against the company"))


def _trigger_data(trigger: str, form) -> dict:
    match trigger:
        case "accept":
            return {"respondent_consent": form.respondent_consent.data}
        case "decline" | "fail" | "withdraw" | "return":
            return {"reason": form.reason.data}
        case "escalate":
            return {"reason": form.reason.data, "organization_id": form.organization_id.data}
        case "extend":
            return {
                "days": form.days.data,
                "applicant_consent": form.applicant_consent.data,
                "respondent_consent": form.respondent_consent.data,
            }
        case "archive":
            return {"checklist_complete": form.checklist_complete}
    return {}


def act(case_id: int, trigger: str):
    case = load_case(case_id)
    if trigger not in {t.value for t in CaseTrigger} or trigger == CaseTrigger.apply:
        abort(404)
    if trigger not in policy.case_permissions(current_user, case):
        if current_user.is_staff and case.organization_id != current_user.organization_id:
            # Typically a second submit of a transfer: say so rather than "forbidden".
            return _refused(case, "moved_on")
        abort(403)
    form = action_form(case, trigger, bound=True)
    if not form.validate_on_submit():
        return _page(case, {trigger: form}, 422)
    try:
        fire(case, trigger, actor=current_user, **_trigger_data(trigger, form))
    except (IllegalTransition, Refused) as error:
        return _refused(case, error.code)
    except GuardFailed as error:
        for problem in error.problems:
            field = getattr(form, problem.field, None)
            if field is None:
                flash(guard_message(problem.code), "error")
            else:
                field.errors = [*field.errors, guard_message(problem.code)]
        return _page(case, {trigger: form}, 422)
    flash(_("Done: %(action)s.", action=ACTION_TITLES[trigger]), "success")
    return _back(case)


def claim_case(case_id: int):
    case = load_case(case_id)
    _require(case, "claim")
    if forms.ButtonForm().validate_on_submit():
        try:
            claim(case, actor=current_user)
        except Refused as error:
            return _refused(case, error.code)
        flash(_("The case is now in your worklist."), "success")
    return _back(case)


def respond(case_id: int):
    case = load_case(case_id)
    _require(case, "respond")
    form = forms.RespondForm()
    if not form.validate_on_submit():
        return _page(case, {"respond": form}, 422)
    try:
        casework.respond_to_request(
            case, actor=current_user, consent=form.answer.data == "agree", note=form.note.data
        )
    except Refused as error:
        return _refused(case, error.code)
    flash(_("Your answer was recorded."), "success")
    return _back(case)


def add_session(case_id: int):
    case = load_case(case_id)
    _require(case, "record_session")
    form = forms.SessionForm()
    if not form.validate_on_submit():
        return _page(case, {"session": form}, 422)
    starts_at = datetime.combine(form.date.data, form.time.data, tzinfo=SHANGHAI)
    try:
        casework.record_session(
            case,
            actor=current_user,
            starts_at=starts_at,
            mode=SessionMode(form.mode.data),
            location=form.location.data,
            attendees=form.attendees.data,
            minutes=form.minutes.data,
        )
    except Refused as error:
        return _refused(case, error.code)
    flash(_("The session was recorded."), "success")
    return _back(case, "sessions")


def draft_agreement(case_id: int):
    case = load_case(case_id)
    _require(case, "draft_agreement")
    form = forms.AgreementForm()
    if not form.validate_on_submit():
        return _page(case, {"agreement": form}, 422)
    try:
        casework.draft_agreement(
            case,
            actor=current_user,
            terms=form.terms.data,
            amount=form.amount.amount,
            due_date=form.due_date.data,
        )
    except Refused as error:
        return _refused(case, error.code)
    flash(_("The agreement is ready for both parties to sign."), "success")
    return _back(case, "agreement")


def sign_agreement(case_id: int):
    case = load_case(case_id)
    if not policy.case_permissions(current_user, case) & {
        "sign_as_applicant",
        "sign_as_respondent",
    }:
        abort(403)
    if forms.ButtonForm().validate_on_submit():
        try:
            casework.sign_agreement(case, actor=current_user)
        except Refused as error:
            return _refused(case, error.code)
        flash(_("You signed the agreement."), "success")
    return _back(case, "agreement")


def paper_signatures(case_id: int):
    case = load_case(case_id)
    _require(case, "record_paper_signatures")
    if forms.ButtonForm().validate_on_submit():
        try:
            casework.record_paper_signatures(case, actor=current_user)
        except Refused as error:
            return _refused(case, error.code)
        flash(_("Both signatures on paper were recorded."), "success")
    return _back(case, "agreement")


def upload_evidence(case_id: int):
    case = load_case(case_id)
    _require(case, "upload_evidence")
    form = forms.EvidenceForm()
    if not form.validate_on_submit():
        return _page(case, {"evidence": form}, 422)
    added = 0
    for upload in form.file.data or []:
        if not getattr(upload, "filename", None):
            continue
        try:
            stored = store_upload(upload, evidence_dir())
        except UploadRejected as error:
            form.file.errors = [*form.file.errors, f"{upload.filename}: {error.message}"]
            continue
        try:
            casework.add_evidence(case, actor=current_user, stored=stored)
        except Refused as error:
            delete_stored(evidence_dir(), stored.stored_name)
            form.file.errors = [*form.file.errors, refusal_message(error.code)]
            break
        added += 1
    if form.file.errors:
        # Files that passed are kept (a 200 commits them); the others are named by the field.
        return _page(case, {"evidence": form}, 200 if added else 422)
    if added:
        flash(_("%(count)d file(s) added.", count=added), "success")
    return _back(case, "evidence")


def download_evidence(case_id: int, evidence_id: int):
    case = load_case(case_id)
    evidence = db.session.scalar(
        select(Evidence).where(Evidence.id == evidence_id, Evidence.case_id == case.id)
    )
    if evidence is None:
        abort(404)
    return attachment_response(evidence_dir(), evidence)


def reveal_identity(case_id: int):
    case = load_case(case_id)
    _require(case, "view_identity")
    if not forms.ButtonForm().validate_on_submit():
        return _back(case)
    id_number = casework.reveal_identity(case, actor=current_user)
    return render_template("cases/identity.html", case=case, id_number=id_number)


def request_confirmation(case_id: int):
    case = load_case(case_id)
    _require(case, "request_confirmation")
    if forms.ButtonForm().validate_on_submit():
        try:
            confirmation = confirmations.request_confirmation(case, actor=current_user)
        except Refused as error:
            return _refused(case, error.code)
        if confirmation.status is ConfirmationStatus.requested:
            flash(_("Both parties have asked; the court will review the agreement."), "success")
        else:
            flash(_("Your request is recorded; the other party must ask too."), "success")
    return _back(case, "confirmation")


def rate(case_id: int):
    case = load_case(case_id)
    form = forms.RatingForm()
    if not form.validate_on_submit():
        return _page(case, {"rating": form}, 422)
    try:
        ratings.rate(
            case, actor=current_user, score=form.score.data, comment=form.comment.data or ""
        )
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refused(case, error.code)
    flash(_("Thank you for your rating."), "success")
    return _back(case, "rating")
