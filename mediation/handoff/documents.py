"""An application as a ``printable.Document``: what 劳动争议调解仲裁法 第二十八条 asks of an
arbitration application (the parties, the claims with the facts and reasons, the evidence),
and what 民事诉讼法 第二百二十五条 asks of a payment-order application (the amount asked for and
the facts and evidence it rests on), with a line for the applicant's signature."""

from mediation.cases.advice import limitation_sentences

# The labels and the provisional-date sentence every document prints, in the same words.
from mediation.documents.builders import labels, provisional
from mediation.documents.printable import Document, Section, Signature
from mediation.handoff.applications import Addressee, Application, yuan
from mediation.i18n import human_date
from mediation.localtime import local_today
from mediation.models import HandoffKind
from mediation.privacy import mask_id_number
from mediation.translation import gettext as _


def limitation_lines(application: Application) -> list[str]:
    """The time limit for arbitration (第二十七条) in the words the case page uses of it, as
    said of the worker; what to do about it is for the worker's page, not for the commission."""
    limitation = application.limitation
    if limitation is None:
        return []
    sentences = limitation_sentences(limitation, to_worker=False)
    lines = [sentence.text for sentence in sentences if not sentence.advice]
    if limitation.provisional:
        lines.append(provisional())
    return lines


def addressee_note(application: Application) -> str | None:
    """Said on the page and in the PDF when the network has no address for the addressee."""
    if application.addressee.address:
        return None
    if application.kind is HandoffKind.arbitration:
        return _(
            "The commission's address is not on record on this platform: check it with the "
            "district's human resources and social security bureau before handing this in."
        )
    return _(
        "The court's address is not on record on this platform: check it with the district's "
        "people's court before handing this in."
    )


def _addressee(application: Application) -> Section:
    addressee: Addressee = application.addressee
    rows = [(_("Address"), addressee.address or _("not on record"))]
    if addressee.phone:
        rows.append((_("Telephone"), addressee.phone))
    note = addressee_note(application)
    return Section(
        heading=_("To"),
        paragraphs=(addressee.name, *((note,) if note else ())),
        rows=tuple(rows),
    )


def _parties(application: Application, *, full_identity: bool) -> list[Section]:
    case, content = application.case, application.content
    id_number = case.applicant_id_number
    applicant = (
        (_("Name"), case.applicant_name),
        (_("Resident ID number"), id_number if full_identity else mask_id_number(id_number)),
        (_("Mobile number"), case.applicant_phone),
        (_("Address"), content.applicant_address),
    )
    respondent = (
        (_("Name"), case.employer.name),
        (_("Unified social credit code"), case.employer.uscc or _("not known yet")),
        (_("Address"), content.respondent_address),
        (_("Legal representative"), content.respondent_representative),
    )
    return [
        Section(heading=_("Applicant"), rows=applicant),
        Section(heading=_("Respondent"), rows=respondent),
    ]


def _claims(application: Application, heading: str) -> Section:
    content = application.content
    rows = [(claim.description, yuan(claim.amount)) for claim in content.claims]
    rows.append((_("Total"), yuan(content.total)))
    return Section(heading=heading, rows=tuple(rows))


def _evidence(application: Application) -> Section:
    lines = application.content.evidence
    rows = tuple((str(number), line) for number, line in enumerate(lines, start=1))
    return Section(
        heading=_("Evidence"),
        paragraphs=() if rows else (_("None listed."),),
        rows=rows,
    )


def _history(application: Application) -> Section:
    return Section(
        heading=_("Mediation before this application"),
        rows=tuple((human_date(entry.on), entry.text) for entry in application.history),
    )


def _agreement(application: Application) -> Section:
    facts = application.agreement
    rows = [
        (_("Mediation organisation"), facts.organization),
        (
            _("Mediation agreement"),
            _(
                "Case %(number)s, version %(version)d",
                number=application.case.number,
                version=facts.version,
            ),
        ),
    ]
    if facts.verification_code:
        rows.append((_("Verification code"), facts.verification_code))
    if facts.effective_on:
        rows.append((_("Signed on"), human_date(facts.effective_on)))
    rows.append((_("Amount agreed"), yuan(facts.agreed)))
    if facts.due:
        rows.append((_("To be paid by"), human_date(facts.due)))
    rows += [(_("Paid so far"), yuan(facts.paid)), (_("Still owed"), yuan(facts.owed))]
    return Section(heading=_("The mediation agreement"), rows=tuple(rows))


def build(application: Application, *, full_identity: bool = True) -> Document:
    """The application to print and sign; ``full_identity`` prints the full ID number (the
    worker's own filing needs it), else masked."""
    case, content = application.case, application.content
    sections = [_addressee(application), *_parties(application, full_identity=full_identity)]
    if application.kind is HandoffKind.arbitration:
        sections += [
            _claims(application, _("Claims")),
            Section(heading=_("Facts and reasons"), paragraphs=(content.facts,)),
            _evidence(application),
            _history(application),
            Section(
                heading=_("Time limit for arbitration"),
                paragraphs=tuple(limitation_lines(application)),
            ),
        ]
    else:
        request = _(
            "The applicant asks the court to issue a payment order requiring the respondent to "
            "pay the applicant %(amount)s, the amount agreed in the mediation agreement and not "
            "paid (劳动争议调解仲裁法 第十六条; 民事诉讼法 第二百二十五条).",
            amount=yuan(content.total),
        )
        sections += [
            Section(heading=_("Request"), paragraphs=(request,)),
            _claims(application, _("Amount asked for")),
            _agreement(application),
            Section(heading=_("Facts and reasons"), paragraphs=(content.facts,)),
            _evidence(application),
            _history(application),
        ]
    return Document(
        title=str(application.kind.title),
        number=case.number,
        issuer="",
        issued_on=human_date(local_today()),
        sections=sections,
        signatures=(Signature(_("Applicant"), case.applicant_name),),
        labels=labels(),
    )
