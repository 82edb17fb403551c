"""Turning a case and one of its issued documents into a translated ``printable.Document``.

The same value feeds the printable page and the PDF, so both always say the same thing.
"""

from urllib.parse import urlencode

from flask import current_app
from flask_babel import format_currency, get_locale

from mediation.cases.advice import basic_court, limitation_sentences
from mediation.cases.payment import payment_order_applies
from mediation.core import clocks
from mediation.court.dates import agreement_effective_on, confirmation_deadline
from mediation.documents.issuers import document_title, issued_title, issuers, issuing_name
from mediation.documents.printable import Document, Labels, Section, Signature
from mediation.i18n import human_date, human_datetime
from mediation.localtime import local_today
from mediation.models import (
    Case,
    CaseDocument,
    ConfirmationStatus,
    DocumentKind,
    DocumentService,
    Organization,
    ServiceMethod,
    ServiceParty,
)
from mediation.privacy import mask_id_number, mask_phone
from mediation.translation import gettext as _


def verification_url(code: str) -> str:
    """The public check page of a code, as printed on the document (also from the sweep,
    outside any request: hence the configured address)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    # Not url_for: the sweep issues documents outside any request. /verify is a stable
    # interface (DESIGN.md §6): papers printed years ago carry it.
    return f"{base}/verify?{urlencode({'code': code})}"


def labels() -> Labels:
    return Labels(
        case_number=_("Case number"),
        verification_code=_("Verification code"),
        check_at=_("Scan the QR code or visit this address to check this document"),
        signature=_("Signature"),
        date=_("Date"),
        page=_("Page %(page)d of %(pages)d"),
        colon=_(": "),
        language="zh-CN" if str(get_locale()).startswith("zh") else "en",
    )


def _yuan(amount) -> str:
    return format_currency(amount, "CNY")


def _parties(case: Case) -> Section:
    return Section(
        heading=_("Parties"),
        rows=(
            (_("Applicant"), case.applicant_name),
            (_("Resident ID number"), mask_id_number(case.applicant_id_number)),
            (_("Mobile number"), mask_phone(case.applicant_phone)),
            (_("Respondent"), case.employer.name),
            (_("Unified social credit code"), case.employer.uscc or _("not known yet")),
            *(((_("Address"), case.employer.address),) if case.employer.address else ()),
        ),
    )


def _claims(case: Case) -> Section:
    rows = [
        (
            f"{claim.category.title}{'（' + claim.description + '）' if claim.description else ''}",
            _yuan(claim.amount),
        )
        for claim in case.claims
    ]
    rows.append((_("Total"), _yuan(case.amount_claimed)))
    return Section(heading=_("Claims"), rows=tuple(rows))


def _application(case: Case, document: CaseDocument, issuer: Organization) -> list[Section]:
    employment = _("%(job)s, from %(start)s", job=case.job, start=human_date(case.employment_start))
    if case.employment_end:
        employment += _(" to %(end)s", end=human_date(case.employment_end))
    return [
        _parties(case),
        Section(heading=_("Employment"), paragraphs=(employment,)),
        _claims(case),
        Section(heading=_("Facts and reasons"), paragraphs=(case.facts,)),
    ]


def _acceptance(case: Case, document: CaseDocument, issuer: Organization) -> list[Section]:
    text = _(
        "%(organization)s accepted the application of %(applicant)s against %(employer)s for "
        "mediation on %(date)s.",
        organization=issuer.name,
        applicant=case.applicant_name,
        employer=case.employer.name,
        date=human_date(_first_version(document).issued_at),
    )
    return [_parties(case), Section(paragraphs=(text,))]


def _first_version(document: CaseDocument) -> CaseDocument:
    """The version first issued: a notice is issued when the act it records is done (an
    acceptance notice on the day of acceptance; a case accepted again after a transfer gets a
    notice of its own), and a correction restates that day instead of its own."""
    while document.supersedes is not None:
        document = document.supersedes
    return document


def _decline(case: Case, document: CaseDocument, issuer: Organization) -> list[Section]:
    return [
        _parties(case),
        Section(
            heading=_("Decision"),
            paragraphs=(
                _(
                    "%(organization)s does not accept this application for mediation.",
                    organization=issuer.name,
                ),
            ),
        ),
        Section(heading=_("Reason"), paragraphs=(case.close_reason or "",)),
        _arbitration(case),
        Section(
            heading=_("What you can do"),
            paragraphs=(
                _(
                    "You may ask, on the case page or at the window, that the case go to "
                    "another mediation organisation serving your employer's district: it keeps "
                    "its number, history and dates, without a new application. Or you may apply "
                    "for labour arbitration to the labour and personnel dispute arbitration "
                    "commission."
                ),
            ),
        ),
    ]


def _agreement(case: Case, document: CaseDocument, issuer: Organization) -> list[Section]:
    agreement = case.agreement
    rows = [(_("Amount to be paid"), _yuan(agreement.amount))]
    if agreement.due_date:
        rows.append((_("To be paid by"), human_date(agreement.due_date)))
    confirmation = case.confirmation
    if confirmation is not None and confirmation.status is ConfirmationStatus.confirmed:
        closing = _(
            "%(court)s confirmed this agreement on %(date)s; it can be enforced by the court.",
            court=basic_court(confirmation.court.region.district),
            date=human_date(confirmation.decided_at),
        )
    else:
        due = confirmation_deadline(case)
        closing = _(
            "Both parties may jointly apply to the people's court for judicial confirmation of "
            "this agreement within 30 days of it taking effect, by %(date)s "
            "(人民调解法 第三十三条).",
            date=human_date(due),
        )
        if clocks.is_provisional(agreement_effective_on(case), due):
            closing += " " + provisional()
    paragraphs = [closing]
    if payment_order_applies(case):
        paragraphs.append(
            _(
                "If the employer does not pay as agreed, the worker may apply to the basic "
                "people's court for a payment order with this agreement (劳动争议调解仲裁法 "
                "第十六条)."
            )
        )
    return [
        _parties(case),
        _claims(case),
        Section(heading=_("Terms agreed"), paragraphs=(agreement.terms,), rows=tuple(rows)),
        Section(paragraphs=tuple(paragraphs)),
    ]


def provisional() -> str:
    return _(
        "Provisional: counted with the statutory holidays only, because the official holiday "
        "schedule of that year has not been entered yet. It is recomputed when it is."
    )


def _arbitration(case: Case) -> Section:
    limitation = clocks.limitation(case)
    available_from = clocks.arbitration_available_from(case)
    paragraphs = [
        _(
            "You may apply for labour arbitration to the labour and personnel dispute "
            "arbitration commission where the contract was performed or where the employer is "
            "located."
        ),
        _(
            "Without an agreement either party may apply from %(date)s, 15 days after the "
            "application was received (劳动争议调解仲裁法 第十四条); once mediation has ended "
            "without an agreement, at once (第五条).",
            date=human_date(available_from),
        ),
    ]
    district = case.employer.region.district
    if district.arbitration_commission:
        # Named from the administration's data (劳动争议调解仲裁法 第二十一条), never made up.
        paragraphs.insert(
            1,
            _(
                "The commission of the employer's district: %(name)s, %(address)s, telephone "
                "%(phone)s.",
                name=district.arbitration_commission,
                address=district.arbitration_address or _("address not on record"),
                phone=district.arbitration_phone or _("not on record"),
            ),
        )
    if clocks.arbitration_date_is_provisional(case):
        paragraphs.append(provisional())
    # Served on the worker among others: said to them, as "you".
    paragraphs += [sentence.text for sentence in limitation_sentences(limitation, to_worker=True)]
    if limitation.provisional:
        paragraphs.append(provisional())
    return Section(heading=_("Labour arbitration"), paragraphs=tuple(paragraphs))


def _termination(case: Case, document: CaseDocument, issuer: Organization) -> list[Section]:
    return [
        _parties(case),
        Section(
            heading=_("Mediation has ended without agreement"),
            paragraphs=(case.close_reason or "",),
        ),
        _arbitration(case),
    ]


def _period_expired(case: Case, document: CaseDocument, issuer: Organization) -> list[Section]:
    available_from = clocks.arbitration_available_from(case)
    return [
        _parties(case),
        Section(
            heading=_("The mediation period has expired"),
            paragraphs=(
                _(
                    "15 days after the application was received on %(received)s, the period "
                    "ended on %(date)s without an agreement. From %(available)s either party may "
                    "apply for labour arbitration (劳动争议调解仲裁法 第十四条); the parties may "
                    "also agree with the mediator to go on.",
                    received=human_date(clocks.received_on(case)),
                    date=human_date(clocks.statutory_period_end(case)),
                    available=human_date(available_from),
                ),
            ),
        ),
        _arbitration(case),
    ]


def _confirmation_decision(
    case: Case, document: CaseDocument, issuer: Organization
) -> list[Section]:
    """The court's decision on the parties' joint application (人民调解法 第三十三条; 最高人民法院
    关于人民调解协议司法确认程序的若干规定, 法释〔2011〕5号)."""
    confirmation = case.confirmation
    agreement = case.agreement
    court = issuing_name(document.kind, issuer)
    agreed = Section(
        heading=_("The mediation agreement"),
        paragraphs=(agreement.terms,),
        rows=(
            (_("Amount to be paid"), _yuan(agreement.amount)),
            (_("Took effect on"), human_date(agreement_effective_on(case))),
            (_("Mediated by"), case.organization.name),
        ),
    )
    if confirmation.status is ConfirmationStatus.confirmed:
        decision = _(
            "Having reviewed the joint application of both parties, %(court)s confirms that the "
            "mediation agreement is valid.",
            court=court,
        )
        follows = _(
            "If a party refuses to perform it or does not perform it in full, the other party "
            "may apply to the people's court for enforcement (人民调解法 第三十三条第二款)."
        )
    else:
        decision = _(
            "Having reviewed the joint application of both parties, %(court)s does not confirm "
            "the mediation agreement.",
            court=court,
        )
        follows = _(
            "The parties may change the agreement or reach a new one through mediation, or bring "
            "an action in the people's court (人民调解法 第三十三条第三款)."
        )
    sections = [_parties(case), agreed, Section(heading=_("Decision"), paragraphs=(decision,))]
    if confirmation.reason:
        sections.append(Section(heading=_("Reasons"), paragraphs=(confirmation.reason,)))
    sections.append(Section(heading=_("What follows"), paragraphs=(follows,)))
    return sections


# Each kind's sections, from the case, the document and the organisation that issued it.
BUILDERS = {
    DocumentKind.application: _application,
    DocumentKind.acceptance_notice: _acceptance,
    DocumentKind.decline_notice: _decline,
    DocumentKind.agreement: _agreement,
    DocumentKind.termination_notice: _termination,
    DocumentKind.period_expired_notice: _period_expired,
    DocumentKind.confirmation_decision: _confirmation_decision,
}


def _signatures(case: Case, document: CaseDocument) -> tuple[Signature, ...]:
    if document.kind is not DocumentKind.agreement:
        return ()
    agreement = case.agreement
    # The mediator recorded at issue (a correction keeps the first version's); the case's own
    # only for a document issued before that was recorded.
    mediator = document.mediator or case.mediator

    def signed(moment) -> str:
        if moment is None:
            return ""
        how = _("on paper") if agreement.signed_on_paper else _("online")
        return _("signed %(how)s on %(date)s", how=how, date=human_datetime(moment))

    return (
        Signature(_("Applicant"), case.applicant_name, signed(agreement.applicant_signed_at)),
        Signature(_("Respondent"), case.employer.name, signed(agreement.respondent_signed_at)),
        Signature(_("Mediator"), mediator.name if mediator else ""),
    )


def _correction(document: CaseDocument) -> list[Section]:
    """A corrected version says which one it replaces."""
    replaced = document.supersedes
    if replaced is None:
        return []
    return [
        Section(
            paragraphs=(
                _(
                    "Corrected version %(version)d. It replaces the version issued on %(date)s "
                    "with verification code %(code)s.",
                    version=document.version,
                    date=human_date(replaced.issued_at),
                    code=replaced.verification_code,
                ),
            )
        )
    ]


def build(case: Case, document: CaseDocument, issuer: Organization) -> Document:
    """The document as the case says it now, in the current language: what ``records.freeze``
    keeps at issue."""
    return Document(
        title=issued_title(document.kind, issuer),
        number=case.number,
        issuer=issuing_name(document.kind, issuer),
        issued_on=human_date(document.issued_at),
        sections=[*_correction(document), *BUILDERS[document.kind](case, document, issuer)],
        signatures=_signatures(case, document),
        verification_code=document.verification_code,
        verification_url=verification_url(document.verification_code),
        labels=labels(),
    )


def _service_section(case: Case, service: DocumentService) -> Section:
    if service.party is ServiceParty.applicant:
        heading = _("Applicant: %(name)s", name=case.applicant_name)
    else:
        heading = _("Employer: %(name)s", name=case.employer.name)
    rows = [(_("Notified"), human_datetime(service.notified_at))]
    if service.served_at is None:
        rows.append((_("Served"), _("Not served yet")))
        if service.flagged_at is not None:
            rows.append(
                (
                    _("Reported to staff as unserved"),
                    human_datetime(service.flagged_at),
                )
            )
    else:
        rows.append((_("Served"), human_datetime(service.served_at)))
        rows.append((_("How"), str(service.method.title)))
        if service.method is ServiceMethod.platform and service.served_to is not None:
            rows.append((_("Opened by"), service.served_to.name))
        if service.recorded_by is not None:
            rows.append((_("Recorded by"), service.recorded_by.name))
        if service.note:
            rows.append((_("Note"), service.note))
    return Section(heading=heading, rows=tuple(rows))


def build_proof_of_service(
    case: Case, document: CaseDocument, services: list[DocumentService]
) -> Document:
    """The proof of service (送达回证) of one document: on whom, when and how it was served,
    by the organisation that issued it."""
    issuer = issuers(case, [document])[document.id]
    served = Section(
        heading=_("Document served"),
        rows=(
            (_("Document"), document_title(document, issuer)),
            (_("Verification code"), document.verification_code),
            (_("Issued on"), human_date(document.issued_at)),
        ),
    )
    parties = [_service_section(case, service) for service in services] or [
        Section(paragraphs=(_("This document is not served on the parties."),))
    ]
    return Document(
        title=_("Proof of service"),
        number=case.number,
        issuer=issuer.name,
        issued_on=human_date(local_today()),
        sections=[served, *parties],
        verification_code=document.verification_code,
        verification_url=verification_url(document.verification_code),
        labels=labels(),
    )
