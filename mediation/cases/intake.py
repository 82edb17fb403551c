"""Filing: the worker's own application and one-window intake by a mediator."""

import json

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from mediation import uploads
from mediation.cases import casework, filing
from mediation.cases.filing import (
    Application,
    ApplicationInvalid,
    ClaimInput,
    EmployerInput,
    Party,
)
from mediation.cases.forms import NOT_CHOSEN, IntakeForm
from mediation.core import audit
from mediation.extensions import db
from mediation.messages import refusal_message
from mediation.models import Category, Channel, PriorityGroup, Region, RegionLevel
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l
from mediation.uploads import StoredFile, UploadRejected
from workflows.case import Tier


def _region_choices() -> list[tuple[str, str]]:
    streets = db.session.scalars(
        select(Region).where(Region.level == RegionLevel.street).order_by(Region.code)
    )
    return [(NOT_CHOSEN, "—")] + [(str(r.id), f"{r.parent.name} {r.name}") for r in streets]


FILES_LOST = _l("Files you attached more than 24 hours ago were removed. Please choose them again.")


def _carried(form: IntakeForm) -> uploads.Carried:
    """The files an earlier submission of this form staged. The signature binds them to the
    person who uploaded them, for 24 hours: nobody attaches somebody else's file by editing or
    replaying the hidden field, and each person's files are looked for in their own folder."""
    carried = uploads.carried(form.attached.data, current_user)
    if carried.foreign:
        audit.security_event("staged_files_replayed", actor=current_user)
    return carried


def _keep_uploads(form: IntakeForm) -> list[StoredFile]:
    """Stage newly chosen files at once and carry them in the form, so that an error anywhere
    else never makes the applicant choose their files again."""
    carried = _carried(form)
    kept = carried.files
    if carried.lost:
        form.evidence.errors = [*form.evidence.errors, FILES_LOST]
    for upload in form.evidence.data or []:
        if not getattr(upload, "filename", None):
            continue
        if len(kept) >= casework.MAX_EVIDENCE_PER_PARTY:
            form.evidence.errors = [*form.evidence.errors, refusal_message("too_much_evidence")]
            break
        try:
            kept.append(uploads.stage_upload(upload, current_user))
        except UploadRejected as error:
            form.evidence.errors = [*form.evidence.errors, f"{upload.filename}: {error.message}"]
    uploads.touch_staged(current_user, kept)
    form.attached.data = uploads.carry(current_user, kept)
    return kept


def _application(form: IntakeForm, channel: Channel) -> Application:
    return Application(
        applicant=Party(
            form.applicant_name.data, form.applicant_id_number.data, form.applicant_phone.data
        ),
        employer=EmployerInput(
            name=form.employer_name.data,
            uscc=form.employer_uscc.data or None,
            region_id=int(form.employer_region.data) if form.employer_region.data else None,
            industry=form.employer_industry.data or None,
            address=form.employer_address.data or None,
        ),
        employment_start=form.employment_start.data,
        employment_end=form.employment_end.data,
        rights_known_on=form.rights_known_on.data,
        job=form.job.data,
        monthly_wage=form.monthly_wage.amount,
        categories=tuple(Category(value) for value in form.categories.data),
        claims=tuple(
            ClaimInput(Category(row.category.data), row.amount.amount, row.description.data or "")
            for row in form.filled_claims()
        ),
        facts=form.facts.data,
        desired_outcome=form.desired_outcome.data or "",
        workers_involved=form.workers_involved.data,
        representatives=tuple(getattr(form, "representative_list", [])),
        lost_job=form.lost_job.data,
        reemployment_consent=form.reemployment_consent.data,
        priority_groups=frozenset(PriorityGroup(v) for v in form.priority_groups.data),
        preferred_tier=Tier(form.preferred_tier.data) if form.preferred_tier.data else None,
        channel=channel,
        legal_aid=form.legal_aid.data,
    )


# Where a filing rule's problem is shown on the form, when its name is not the form's.
_FORM_FIELDS = {"applicant": "applicant_name"}


def _read(field):
    """What ``field`` holds, or None when it has a problem of its own (its value is unknown)."""
    return None if field.errors else field.data


def _show_rule_problems(form: IntakeForm, for_visitor: bool) -> bool:
    """Put the filing rules' problems with what could be read beside their fields, leaving
    out a field that already has its own (one message for one problem). False when any."""
    readable = Application(
        applicant=Party("", "", ""),
        employer=EmployerInput(
            name=form.employer_name.data or "",
            uscc=_read(form.employer_uscc) or None,
            region_id=int(form.employer_region.data)
            if _read(form.employer_region) and form.employer_region.data.isdigit()
            else None,
            industry=_read(form.employer_industry) or None,
            address=form.employer_address.data or None,
        ),
        employment_start=_read(form.employment_start),
        employment_end=_read(form.employment_end),
        rights_known_on=_read(form.rights_known_on),
        job="",
        monthly_wage=None,
        categories=tuple(Category(value) for value in (_read(form.categories) or ())),
        claims=(),
        facts=_read(form.facts) or "",
        workers_involved=_read(form.workers_involved) or 1,
        representatives=tuple(getattr(form, "representative_list", [])),
        channel=Channel.window if for_visitor else Channel.web,
    )
    # (Who the applicant is needs no check here: a worker's comes from the account.)
    found = filing.problems_of(readable)
    if not form.employer_uscc.errors:  # a code that is wrong says nothing about the employer
        found |= filing.employer_problems(readable.employer)
    for name, messages in found.items():
        target = getattr(form, _FORM_FIELDS.get(name, name))
        if not target.errors:
            target.errors = list(messages)
    return not found


def _intake(*, for_visitor: bool):
    draft = None if request.method == "POST" else filing.load_draft(current_user)
    formdata = MultiDict(draft.data) if draft else None
    form = IntakeForm(formdata=formdata) if formdata else IntakeForm()
    form.employer_region.choices = _region_choices()
    if not for_visitor:
        # A worker files for themself: who they are comes from the account, not the form.
        form.applicant_name.data = current_user.name
        form.applicant_id_number.data = current_user.id_number
        form.applicant_phone.data = current_user.phone
        form.channel.data = Channel.window.value  # unused; keeps the field valid
    if request.method != "POST":
        carried = _carried(form)
        if draft:
            flash(_("We filled in the draft you saved."), "info")
            if carried.lost:
                flash(FILES_LOST, "info")
        return _render(form, for_visitor, carried.files)
    if "add_claim" in request.form:
        form.claims.append_entry()
        return _render(form, for_visitor, _keep_uploads(form))
    if "save_draft" in request.form:
        _keep_uploads(form)
        filing.save_draft(current_user, _multidict_as_json(request.form, form.attached.data))
        flash(_("Your draft is saved. Come back to this page to go on."), "success")
        for problem in form.evidence.errors:  # the draft keeps the files that were accepted
            flash(problem, "error")
        return redirect(request.path)
    valid = form.validate_on_submit()
    if request.method == "POST":
        # The filing rules too, on whatever could be read: every problem at once.
        valid = _show_rule_problems(form, for_visitor) and valid
    kept = _keep_uploads(form)  # after validating, which would clear the field's errors
    if valid and not form.evidence.errors:
        channel = Channel(form.channel.data) if for_visitor else Channel.web
        try:
            case = filing.file_case(_application(form, channel), actor=current_user)
        except ApplicationInvalid as error:
            for field, messages in error.errors.items():
                target = getattr(form, _FORM_FIELDS.get(field, field))
                target.errors = [*target.errors, *messages]
        else:
            filing.attach_staged(
                case, actor=current_user, files=kept, directory=uploads.evidence_root()
            )
            flash(_("Application %(number)s is filed.", number=case.number), "success")
            flash(
                _(
                    "Progress code of this case: %(code)s. With the case number it lets the "
                    "applicant follow the case without an account (“Follow a case”). Note it "
                    "down: it is shown only this once.",
                    code=case.issued_track_code,
                ),
                "info",
            )
            return redirect(url_for("cases.show", case_id=case.id))
    return _render(form, for_visitor, kept)


def _multidict_as_json(data: MultiDict, attached: str | None) -> dict:
    kept = {key: data.getlist(key) for key in data if key not in ("csrf_token", "save_draft")}
    kept["attached"] = [attached or ""]
    return json.loads(json.dumps(kept))


def _render(form: IntakeForm, for_visitor: bool, attached: list[StoredFile]):
    status = 422 if form.errors else 200
    return render_template(
        "cases/new.html", form=form, for_visitor=for_visitor, attached=attached
    ), status


def new():
    return _intake(for_visitor=False)


def new_for_visitor():
    return _intake(for_visitor=True)


def search_employers():
    """Known employers whose name contains ``q``, for the filing form's suggestions (JSON:
    name, USCC or null, street). The form works without it."""
    found = filing.employers_named_like(request.args.get("q", "")[:100])
    return jsonify(
        [
            {"name": employer.name, "uscc": employer.uscc, "street": employer.region.name}
            for employer in found
        ]
    )
