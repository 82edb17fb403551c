"""The case page and what people do on it. Each view: load (404 unless visible), check the
policy (403), validate, call one operation, redirect. Refusals and input problems raised by the
operations are answered by the blueprint's handlers (``mediation.core.answers``)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.cases import (
    assignment,
    casework,
    conversation,
    employer_identity,
    forms,
    ratings,
)
from mediation.cases.loading import load_case, load_evidence
from mediation.cases.operations import claim, direct_action, fire
from mediation.cases.page import PAGE_LOADS, render_page, view_page
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.core.schemas import form_data
from mediation.court import confirmations
from mediation.extensions import db
from mediation.home.worklists import party_home
from mediation.messages import refusal_message
from mediation.models import Case, ConfirmationStatus, MessageChannel
from mediation.policy import Act
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l
from mediation.uploads import (
    UploadRejected,
    attachment_response,
    delete_stored,
    evidence_root,
    store_upload,
)


def _page(case: Case, bound: dict | None = None, status: int = 200, sent: tuple | None = None):
    return render_page(case, bound, sent), status


def _back(case: Case, anchor: str | None = None):
    return redirect(url_for("cases.show", case_id=case.id, _anchor=anchor))


def back_to_case() -> str:
    """Where a refused action returns: the case page it was taken on."""
    return url_for("cases.show", case_id=request.view_args["case_id"])


def invalid_action(errors: dict[str, list]):
    """The case page again, the trigger's form as sent, every problem beside its field."""
    case = load_case(request.view_args["case_id"], *PAGE_LOADS)
    return _page(case, status=422, sent=(request.view_args.get("trigger"), request.form, errors))


def show(case_id: int):
    case = load_case(case_id, parts=False)
    if current_user.is_staff and case.organization_id != current_user.organization_id:
        # Staff of an organisation that handed the case on, or of the court reviewing it.
        audit.sensitive_read("case_elsewhere", actor=current_user, subject=case)
    return view_page(case)


def _list(where, title: str, **context):
    """The reader's cases, newest first, each with what waits for the reader on it (the
    worklist of the home page, so that both say the same)."""
    cases = db.session.scalars(
        select(Case)
        .options(joinedload(Case.organization), joinedload(Case.employer))
        .where(where)
        .order_by(Case.received_at.desc())
    ).all()
    home = party_home(current_user)
    waiting = {item.case.id: item.waiting for item in home.cases if item.waiting}
    return render_template("cases/list.html", cases=cases, title=title, waiting=waiting, **context)


def mine():
    return _list(Case.applicant_id == current_user.id, _("My cases"))


# The lists behind the counts of the representative's home page: one row for each thing
# counted there (``home.worklists.PartyHome``).
COMPANY_LISTS = {
    "respond": _l("Cases to answer"),
    "sign": _l("Agreements to sign"),
    "sessions": _l("Sessions coming up"),
}


def company():
    shown = request.args.get("waiting")
    if shown not in COMPANY_LISTS:
        return _list(
            Case.employer_id == current_user.employer_id, _("Disputes against the company")
        )
    home = party_home(current_user)
    return render_template(
        "cases/company_list.html",
        title=COMPANY_LISTS[shown],
        shown=shown,
        rows=home.sessions if shown == "sessions" else home.waiting_for(shown),
    )


def act(case_id: int, trigger: str):
    case = load_case(case_id)
    action = direct_action(trigger)
    if current_user.is_staff and case.organization_id != current_user.organization_id:
        # Typically a second submit of a transfer: say so rather than "forbidden".
        raise Refused("moved_on")
    fire(
        case,
        trigger,
        actor=current_user,
        strict=False,
        **form_data(action.body, request.form, prefix=trigger),
    )
    flash(_("Done: %(action)s.", action=action.title), "success")
    if not policy.can_view_case(current_user, case):
        # The employer's own committee handed the case on: it is no longer theirs to see.
        return redirect(url_for("queue.index"))
    return _back(case)


def claim_case(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.claim)
    claim(case, actor=current_user)
    flash(_("The case is now in your worklist."), "success")
    return _back(case)


def hand_back(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.hand_back)
    form = forms.HandBackForm(prefix="hand-back")
    if not form.validate_on_submit():
        return _page(case, {"hand_back": form}, 422)
    assignment.hand_back(case, actor=current_user, reason=form.reason.data)
    flash(_("The case is back in the queue for another mediator to take."), "success")
    return _back(case)


def respond(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.respond)
    form = forms.RespondForm()
    if not form.validate_on_submit():
        return _page(case, {"respond": form}, 422)
    casework.respond_to_request(
        case,
        actor=current_user,
        consent=form.answer.data == "agree",
        statement=form.statement.data,
        proposal=form.proposal.data,
    )
    flash(_("Your answer was recorded."), "success")
    return _back(case)


def upload_evidence(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.upload_evidence)
    form = forms.EvidenceForm()
    if not form.validate_on_submit():
        return _page(case, {"evidence": form}, 422)
    chosen = [upload for upload in form.file.data or [] if getattr(upload, "filename", None)]
    if chosen and casework.evidence_room(case, current_user) < 1:  # before storing any
        form.file.errors = [*form.file.errors, refusal_message("too_much_evidence")]
        return _page(case, {"evidence": form}, 422)
    stored = []
    for upload in chosen:
        try:
            stored.append(store_upload(upload, evidence_root()))
        except UploadRejected as error:
            form.file.errors = [*form.file.errors, f"{upload.filename}: {error.message}"]
    added = 0
    if stored:
        # Files are checked before the lock, so it is held only for the count and the inserts.
        casework.lock_case(case)
        room = casework.evidence_room(case, current_user)
        for item in stored:
            if added < room:
                casework.add_evidence(case, actor=current_user, stored=item)
                added += 1
            else:
                delete_stored(evidence_root(), item.stored_name)
        if added < len(stored):
            form.file.errors = [*form.file.errors, refusal_message("too_much_evidence")]
    if form.file.errors:
        # Files that passed are kept (a 200 commits them); the others are named by the field.
        return _page(case, {"evidence": form}, 200 if added else 422)
    if added:
        flash(_("%(count)d file(s) added.", count=added), "success")
    return _back(case, "evidence")


def download_evidence(case_id: int, evidence_id: int):
    case = load_case(case_id)
    evidence = load_evidence(case, evidence_id)
    audit.sensitive_read("evidence", actor=current_user, subject=evidence, case_id=case.id)
    return attachment_response(evidence_root(), evidence)


def reveal_identity(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.view_identity)
    id_number = casework.reveal_identity(case, actor=current_user)
    return render_template("cases/identity.html", case=case, id_number=id_number)


def complete_uscc(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.complete_uscc)
    form = forms.UsccForm()
    if not form.validate_on_submit():
        return _page(case, {"uscc": form}, 422)
    employer = employer_identity.complete_uscc(case, actor=current_user, uscc=form.uscc.data)
    flash(
        _("The employer is now %(name)s, code %(uscc)s.", name=employer.name, uscc=employer.uscc),
        "success",
    )
    return _back(case)


def request_confirmation(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.request_confirmation)
    confirmation = confirmations.request_confirmation(case, actor=current_user)
    if confirmation.status is ConfirmationStatus.requested:
        flash(_("Both parties have asked; the court will review the agreement."), "success")
    else:
        flash(_("Your request is recorded; the other party must ask too."), "success")
    return _back(case, "confirmation")


def rate(case_id: int):
    case = load_case(case_id)
    ratings.require_offered(current_user, case)
    form = forms.RatingForm()
    if not form.validate_on_submit():
        return _page(case, {"rating": form}, 422)
    ratings.rate(
        case, actor=current_user, score=form.score_number(), comment=form.comment.data or ""
    )
    flash(_("Thank you for your rating."), "success")
    return _back(case, "rating")


def post_message(case_id: int, channel: str):
    case = load_case(case_id)
    if channel not in MessageChannel._value2member_map_:
        abort(404)
    channel = MessageChannel(channel)
    policy.require_message_channel(current_user, case, channel, writing=True)
    form = forms.MessageForm(prefix=channel.value)
    if not form.validate_on_submit():
        return _page(case, {f"message-{channel}": form}, 422)
    stored = None
    upload = form.attachment.data
    if getattr(upload, "filename", None):
        try:
            stored = store_upload(upload, evidence_root())
        except UploadRejected as error:
            form.attachment.errors = [f"{upload.filename}: {error.message}"]
            return _page(case, {f"message-{channel}": form}, 422)
    conversation.post_message(
        case, actor=current_user, channel=channel, text=form.text.data, attachment=stored
    )
    flash(_("Your message was sent."), "success")
    return _back(case, f"channel-{channel}")


def message_attachment(case_id: int, message_id: int):
    case = load_case(case_id)
    message = conversation.load_message(case, current_user, message_id)
    if message is None or message.attachment is None:
        abort(404)
    audit.sensitive_read(
        "message_attachment", actor=current_user, subject=message.attachment, case_id=case.id
    )
    return attachment_response(evidence_root(), message.attachment)
