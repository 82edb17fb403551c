"""Translated words for codes the workflows and services raise, and for notifications.

The workflows speak in stable codes (see ``workflows.case.CODES``); this is where each code
becomes a sentence in the reader's language, for the pages and the API alike.
"""

from mediation.translation import lazy_gettext as _l
from workflows.case import MAX_EXTENSION_DAYS

GUARD_MESSAGES = {
    "not_allowed_in_state": _l("This action is not possible while the case is in this state."),
    "reason_required": _l("Please write the reason."),
    "tier_required": _l("The tier of the receiving organisation is required."),
    "invalid_tier": _l("This is not a mediation tier."),
    "respondent_consent_required": _l("The employer's consent to mediation must be recorded."),
    "respondent_refused": _l(
        "The employer refused mediation online, so the case cannot be accepted unless the "
        "employer changes its answer. Decline the case or transfer it instead."
    ),
    "applicant_consent_required": _l("The applicant's consent must be recorded."),
    "already_extended": _l("The mediation period has already been extended once."),
    "days_required": _l("Enter the number of days."),
    "days_invalid": _l("Enter a whole number of days."),
    "days_out_of_range": _l("An extension is 1 to %(max)d days.", max=MAX_EXTENSION_DAYS),
    "agreement_missing": _l("There is no mediation agreement yet."),
    "applicant_signature_missing": _l("The applicant has not signed the agreement yet."),
    "respondent_signature_missing": _l("The employer has not signed the agreement yet."),
    "no_higher_tier": _l("The case is already at the highest tier."),
    "tier_not_higher": _l("A case can only be transferred to a higher tier."),
    "to_tier_required": _l("Choose the organisation to transfer the case to."),
    "not_transferred": _l("Only a transferred case that has not been accepted can be returned."),
    "application_missing": _l("The application is not in the case file."),
    "acceptance_notice_missing": _l(
        "The case was accepted but its acceptance notice is not in the case file."
    ),
    "minutes_missing": _l("The minutes of the mediation sessions are not on file yet."),
    "closing_document_unserved": _l(
        "The agreement or closing notice has not been issued, or not yet served on every party "
        "(record service by another way on the documents below)."
    ),
    "evidence_missing": _l("An evidence file of the list is missing from storage."),
}


def guard_message(code: str):
    return GUARD_MESSAGES.get(code, GUARD_MESSAGES["not_allowed_in_state"])


# The notification parameters that hold a moment or a day. They are stored as ISO text (machine
# data, the same for every reader) and written in words for each reader when a notice is shown
# or sent (mediation.core.notifications.render): this is the one list of them.
MOMENT_PARAMS = frozenset({"when"})
DAY_PARAMS = frozenset(
    {
        "due",
        "arbitration_from",
        "limitation_ends",
        "suspended_from",
        "suspended_until",
        "closed_on",
    }
)

# In-app notifications and e-mails: kind → sentence with the notification's parameters.
NOTIFICATION_MESSAGES = {
    "case_filed": _l(
        "Your application %(number)s was received by %(organization)s. It will be accepted or "
        "declined within a few working days; follow it on the platform with this number."
    ),
    "new_case": _l("New application %(number)s is waiting for acceptance."),
    "track_code": _l(
        "Progress code of case %(number)s: %(code)s. With the case number it lets you follow the "
        "case without an account (“Follow a case” on the platform). Keep it to yourself; a new "
        "code replaces it."
    ),
    "against_company": _l("A dispute %(number)s was filed against your company."),
    "accepted": _l("Case %(number)s was accepted for mediation."),
    "declined": _l(
        "Case %(number)s was not accepted: %(reason)s. You may apply to the labour dispute "
        "arbitration commission directly."
    ),
    "mediating": _l("Mediation of case %(number)s has started."),
    "extended": _l("The mediation period of case %(number)s was extended by %(days)s days."),
    "session": _l(
        "A mediation session for case %(number)s is set for %(when)s (%(mode)s). %(where)s"
    ),
    "session_rescheduled": _l(
        "The mediation session for case %(number)s was moved to %(when)s (%(mode)s): "
        "%(reason)s. %(where)s"
    ),
    "session_cancelled": _l(
        "The mediation session for case %(number)s on %(when)s was cancelled: %(reason)s"
    ),
    "session_reminder": _l(
        "Reminder: the mediation session for case %(number)s is at %(when)s (%(mode)s). %(where)s"
    ),
    "session_confirmed": _l("A party will attend the session of case %(number)s on %(when)s."),
    "session_other_time": _l(
        "A party asks for another time for the session of case %(number)s on %(when)s."
    ),
    "minutes_ready": _l(
        "The minutes of the session of case %(number)s on %(when)s are ready. Please read "
        "and confirm them."
    ),
    "minutes_answered": _l(
        "A party answered the minutes of the session of case %(number)s on %(when)s."
    ),
    "extension_proposed": _l(
        "The mediator proposes to extend the mediation period of case %(number)s by %(days)s "
        "days: %(reason)s. Please agree or refuse on the platform."
    ),
    "extension_agreed": _l(
        "A party agreed to extend case %(number)s by %(days)s days; the other has not answered."
    ),
    "extension_refused": _l(
        "The extension of case %(number)s by %(days)s days was refused; the mediation period "
        "stays as it was."
    ),
    "agreement_ready": _l("The agreement for case %(number)s is ready for you to sign."),
    "settled": _l("Case %(number)s was settled by agreement."),
    "failed": _l(
        "Mediation of case %(number)s ended without agreement. From %(arbitration_from)s you "
        "may apply to %(commission)s for labour arbitration."
    ),
    "limitation_reminder": _l(
        "The time to apply for labour arbitration about case %(number)s ends on "
        "%(limitation_ends)s. Apply to %(commission)s before then, or the claim is lost."
    ),
    "limitation_reminder_provisional": _l(
        "The time to apply for labour arbitration about case %(number)s ends on "
        "%(limitation_ends)s. Apply to %(commission)s before then, or the claim is lost. This "
        "date is provisional: it was counted with the statutory holidays because the official "
        "holiday schedule has not been entered yet."
    ),
    # 劳动争议调解仲裁法 第二十七条第三款. The reason staff typed comes last: an SMS cut at its
    # length limit loses only the end of it, never the dates.
    "limitation_suspended": _l(
        "The time to apply for labour arbitration about case %(number)s is suspended from "
        "%(suspended_from)s (%(cause)s, 劳动争议调解仲裁法 第二十七条第三款). It does not run "
        "while the cause lasts and goes on from the day it ends; you will be told the new last "
        "day then. Recorded: %(reason)s"
    ),
    "limitation_suspended_ended": _l(
        "The time to apply for labour arbitration about case %(number)s was suspended from "
        "%(suspended_from)s to %(suspended_until)s (%(cause)s, 劳动争议调解仲裁法 "
        "第二十七条第三款): it did not run on those days. Recorded: %(reason)s"
    ),
    "limitation_suspended_dated": _l(
        "The time to apply for labour arbitration about case %(number)s was suspended from "
        "%(suspended_from)s to %(suspended_until)s (%(cause)s, 劳动争议调解仲裁法 "
        "第二十七条第三款): it did not run on those days. "
        "Apply by %(limitation_ends)s at the latest. Recorded: %(reason)s"
    ),
    "limitation_suspended_dated_provisional": _l(
        "The time to apply for labour arbitration about case %(number)s was suspended from "
        "%(suspended_from)s to %(suspended_until)s (%(cause)s, 劳动争议调解仲裁法 "
        "第二十七条第三款): it did not run on those days. "
        "Apply by %(limitation_ends)s at the latest. This date is provisional: it was counted "
        "with the statutory holidays because the official holiday schedule has not been "
        "entered yet. Recorded: %(reason)s"
    ),
    "limitation_resumed": _l(
        "What suspended the time to apply for labour arbitration about case %(number)s since "
        "%(suspended_from)s ended on %(suspended_until)s: the time goes on from that day "
        "(劳动争议调解仲裁法 第二十七条第三款)."
    ),
    "limitation_resumed_dated": _l(
        "What suspended the time to apply for labour arbitration about case %(number)s since "
        "%(suspended_from)s ended on %(suspended_until)s: the time goes on from that day "
        "(劳动争议调解仲裁法 第二十七条第三款). Apply by %(limitation_ends)s at the latest."
    ),
    "limitation_resumed_dated_provisional": _l(
        "What suspended the time to apply for labour arbitration about case %(number)s since "
        "%(suspended_from)s ended on %(suspended_until)s: the time goes on from that day "
        "(劳动争议调解仲裁法 第二十七条第三款). Apply by %(limitation_ends)s at the latest. This "
        "date is provisional: it was counted with the statutory holidays because the official "
        "holiday schedule has not been entered yet."
    ),
    "sign_in_paused": _l(
        "Someone tried to sign in to your account with a wrong password too many times. "
        "Signing in is paused for 15 minutes. If it was not you, change your password."
    ),
    "registration_attempted": _l(
        "Someone tried to register on the platform with your mobile number or your ID number. "
        "No account was made and no code was sent. If it was you, you already have an "
        "account: sign in, or set a new password with “Forgot password?”. If it was not "
        "you, your account is unchanged."
    ),
    "agreement_signed": _l("%(party)s signed the agreement of case %(number)s."),
    "payment_question": _l(
        "The payment agreed in case %(number)s was due on %(due)s. Was it paid? Tell us on the "
        "case page: paid, partly paid or not paid. If not, you will see what you can do."
    ),
    "payment_reported": _l(
        "%(party)s reported on the payment agreed in case %(number)s. See the case page."
    ),
    "respondent_answered": _l("The employer answered the request to mediate case %(number)s."),
    "document_served": _l(
        "%(document)s of case %(number)s is served on you. Sign in and open it; the time you "
        "open it is recorded as the time of service."
    ),
    "service_overdue": _l(
        "%(document)s of case %(number)s has not reached %(side)s after 3 working days. "
        "Serve it another way and record how."
    ),
    "withdrawn": _l("Case %(number)s was withdrawn."),
    "escalated": _l("Case %(number)s was transferred to %(organization)s."),
    "returned": _l("Case %(number)s was returned to %(organization)s: %(reason)s"),
    "archived": _l("Case %(number)s was archived."),
    "claimed": _l("Case %(number)s is now handled by mediator %(mediator)s."),
    "returned_to_queue": _l(
        "Case %(number)s is back in your organisation's queue for a mediator to take: %(reason)s"
    ),
    "assigned_to_you": _l("%(lead)s gave you case %(number)s to mediate."),
    "reassigned_to_you": _l(
        "%(lead)s gave you case %(number)s, until now with %(previous)s: %(reason)s"
    ),
    "reassigned_away": _l("%(lead)s gave case %(number)s to %(mediator)s: %(reason)s"),
    "evidence_added": _l("The employer added evidence to case %(number)s."),
    # Never the text: a notice goes by SMS and e-mail, and says nothing of what was written.
    "new_message": _l("A new message in case %(number)s. Sign in to read it."),
    "acceptance_due_soon": _l("Case %(number)s must be accepted or declined by %(due)s."),
    "mediation_due_soon": _l("The mediation period of case %(number)s ends on %(due)s."),
    "acceptance_overdue": _l("Case %(number)s is overdue: acceptance was due by %(due)s."),
    "mediation_overdue": _l("Case %(number)s is overdue: its mediation period ended on %(due)s."),
    "confirmation_requested": _l(
        "Both parties ask the court to confirm the agreement of %(number)s."
    ),
    "confirmed": _l("The court confirmed the agreement of case %(number)s."),
    "confirmation_refused": _l(
        "The court did not confirm the agreement of case %(number)s: %(reason)s"
    ),
    "referred": _l(
        "Because you lost your job, %(centre)s will contact you by %(due)s to help you find "
        "a new one (case %(number)s)."
    ),
    "new_referral": _l("A worker of case %(number)s was referred to you for re-employment."),
    "referral_contact": _l("%(centre)s recorded a contact with you."),
    "referral_start_training": _l("%(centre)s recorded your training."),
    "referral_place": _l("%(centre)s recorded your new job. Congratulations!"),
    "referral_close": _l("%(centre)s closed your re-employment referral."),
    "vacancy_proposed": _l("A job is proposed to you: %(title)s at %(employer)s."),
    "vacancy_answered": _l("The worker answered the proposal of %(title)s."),
    "alert_repeat_disputes": _l(
        "Early warning: %(count)s disputes against %(employer)s within 30 days (latest %(number)s)."
    ),
    "alert_collective": _l(
        "Early warning: a collective dispute against %(employer)s (%(number)s)."
    ),
    # A day after closure, when the rating form opens (mediation.cases.ratings).
    "rating_reminder": _l(
        "Case %(number)s closed on %(closed_on)s. How did the mediation go? You can rate it "
        "on the case page now; it takes a minute and helps the service improve."
    ),
    # 劳动争议调解仲裁法 第十四条: 15 days from receipt without an agreement, at every tier.
    "arbitration_open": _l(
        "The 15 days after your application in case %(number)s was received ended on %(due)s "
        "without an agreement. From %(arbitration_from)s you may apply for labour arbitration "
        "(劳动争议调解仲裁法 第十四条); mediation may go on if both sides wish."
    ),
    "arbitration_open_provisional": _l(
        "The 15 days after your application in case %(number)s was received ended on %(due)s "
        "without an agreement. From %(arbitration_from)s you may apply for labour arbitration "
        "(劳动争议调解仲裁法 第十四条); mediation may go on if both sides wish. "
        "This date is provisional: it was counted with the statutory holidays "
        "because the official holiday schedule has not been entered yet."
    ),
    "representative_approved": _l(
        "Your registration as a representative of %(employer)s was approved. You can sign in "
        "with your mobile number now."
    ),
    "representative_rejected": _l(
        "Your registration as a representative of %(employer)s was not approved: %(reason)s. "
        "You may register again with a new letter of authorisation."
    ),
    # Staff handed the worker's application to the commission (mediation.handoff), which
    # decides within 5 days whether to accept it (劳动争议调解仲裁法 第二十九条).
    "handed_to_arbitration": _l(
        "Your application for labour arbitration in case %(number)s was handed to "
        "%(commission)s. The commission decides within 5 days of receiving it whether to accept "
        "it (劳动争议调解仲裁法 第二十九条) and will tell you."
    ),
    # A worker asked for legal aid (mediation.legal_aid); the station decides (法律援助法).
    "legal_aid_requested": _l(
        "Your request for legal aid in case %(number)s was passed on to %(station)s "
        "(%(contact)s). The station decides whether you can receive legal aid and will tell you; "
        "you may also contact it yourself."
    ),
    "legal_aid_requested_no_contact": _l(
        "Your request for legal aid in case %(number)s was passed on to %(station)s. The "
        "station decides whether you can receive legal aid and will tell you."
    ),
    "legal_aid_requested_no_station": _l(
        "Your request for legal aid in case %(number)s is recorded. The staff handling your "
        "case will pass it on to the legal-aid station, which decides whether you can receive "
        "legal aid."
    ),
    "legal_aid_referred": _l(
        "The worker of case %(number)s asked for legal aid; the request was passed on to "
        "%(station)s."
    ),
    "legal_aid_to_pass_on": _l(
        "The worker of case %(number)s asked for legal aid, and no legal-aid station is recorded "
        "for the district: please pass the request on to the station, and ask an administrator "
        "to record the station."
    ),
}

# Notices with legal effect go by SMS even to someone who turned information SMS off.
LEGAL_NOTICES = frozenset(
    {
        "accepted",
        "declined",
        "failed",
        "document_served",
        "arbitration_open",
        "arbitration_open_provisional",
        "withdrawn",
        # The last day to apply for arbitration moved (第二十七条第三款).
        "limitation_suspended",
        "limitation_suspended_ended",
        "limitation_suspended_dated",
        "limitation_suspended_dated_provisional",
        "limitation_resumed",
        "limitation_resumed_dated",
        "limitation_resumed_dated_provisional",
        "handed_to_arbitration",
    }
)
# And so does a warning that someone may be guessing the account's password, or registering
# with its number.
ALWAYS_SENT = LEGAL_NOTICES | {"sign_in_paused", "registration_attempted"}
# The answer to a representative's registration: it cannot sign in to read it on the platform.
ALWAYS_SENT |= {"representative_approved", "representative_rejected"}

# Why an action on a case that is not a transition was refused.
REFUSAL_MESSAGES = {
    "not_allowed_in_state": GUARD_MESSAGES["not_allowed_in_state"],
    "already_claimed": _l("Another mediator has already taken this case."),
    "registration_decided": _l("This registration has already been decided."),
    "agreement_missing": GUARD_MESSAGES["agreement_missing"],
    "too_much_evidence": _l("Each party can upload at most 10 files."),
    "already_rated": _l("You have already rated this case."),
    "confirmation_too_late": _l(
        "Judicial confirmation must be asked for within 30 days of the agreement taking effect."
    ),
    "no_court": _l("No court of the district takes confirmation requests on this platform."),
    "already_requested": _l("Confirmation has already been asked for."),
    "reason_required": GUARD_MESSAGES["reason_required"],
    "moved_on": _l("This case is now with another organisation; you can still read it."),
    "respondent_refused": GUARD_MESSAGES["respondent_refused"],
    "already_answered": _l("You have already answered."),
    "session_not_scheduled": _l("This session is no longer scheduled."),
    "session_not_held_yet": _l("Minutes can be written once the session has started."),
    "minutes_not_written": _l("The minutes of this session have not been written yet."),
    "conversation_closed": _l(
        "The case is closed, so no more messages can be sent. The conversation can still be read."
    ),
    "agreement_superseded": _l(
        "The agreement was changed after you read it, so nothing was signed. Read the current "
        "version and sign that one if you agree."
    ),
    "suspension_ended": _l(
        "The end of this suspension is already recorded. Record a new suspension if the worker "
        "was kept from applying again."
    ),
    "legal_aid_already_requested": _l(
        "You have already asked for legal aid in this case; the request stands. The case page "
        "shows whom it was passed on to."
    ),
    "changed_meanwhile": _l(
        "Someone changed this case at the same moment. Nothing you sent was applied; "
        "look at the case again and repeat the action if it is still needed."
    ),
    # mediation.handoff: the routes open only when the law opens them.
    "arbitration_not_available": _l(
        "Labour arbitration is not open to this case yet: mediation has not failed, and the 15 "
        "days from receipt of the application have not run out (劳动争议调解仲裁法 第十四条)."
    ),
    "payment_order_not_available": _l(
        "A payment order can be asked for only when an agreement about wages, work-injury "
        "medical costs, compensation or damages was not paid in full (劳动争议调解仲裁法 "
        "第十六条)."
    ),
    "already_handed_to_arbitration": _l(
        "The application was already handed to the arbitration commission; it is recorded once "
        "and can no longer be changed."
    ),
}

# The case timeline: audit action → what it says to the reader. The triggers' own lines are in
# their declarations (mediation.cases.triggers).
EVENT_TITLES = {
    "case.apply": _l("Application filed"),
    "case.claim": _l("A mediator took the case"),
    "case.returned_to_queue": _l("The case went back to the organisation's queue"),
    "case.assigned": _l("The lead mediator assigned the case"),
    "case.reassigned": _l("The lead mediator gave the case to another mediator"),
    "case.session_recorded": _l("Mediation session recorded"),
    "case.session_scheduled": _l("Mediation session scheduled"),
    "case.session_rescheduled": _l("Mediation session moved"),
    "case.session_cancelled": _l("Mediation session cancelled"),
    "case.session_answered": _l("A party answered the session invitation"),
    "case.minutes_written": _l("Minutes of the session written"),
    "case.minutes_confirmed": _l("A party confirmed the minutes"),
    "case.minutes_refused": _l("A party refused to confirm the minutes"),
    "case.extension_proposed": _l("Extension of the mediation period proposed"),
    "case.extension_agreed": _l("A party agreed to the extension"),
    "case.extension_refused": _l("A party refused the extension"),
    "case.extension_paper_consent": _l("Consent to the extension recorded on paper"),
    "case.agreement_drafted": _l("Agreement written"),
    "case.agreement_signed": _l("Agreement signed"),
    "case.agreement_signed_on_paper": _l("Agreement signed on paper"),
    "case.payment_reported": _l("Payment of the agreement reported"),
    "case.respondent_agreed": _l("The employer agreed to mediation"),
    "case.respondent_refused": _l("The employer refused mediation"),
    "case.evidence_added": _l("Evidence added"),
    "case.identity_viewed": _l("Full ID number viewed by staff"),
    "case.track_code_issued": _l("A new progress code was sent to the applicant"),
    "case.employer_uscc_completed": _l("Staff completed the employer's unified social credit code"),
    "case.overdue": _l("Deadline passed"),
    "case.rated": _l("The service was rated"),
    "case.confirmation_requested": _l("Judicial confirmation asked for"),
    "case.referred": _l("Referred to re-employment services"),
    "case.referral_without_centre": _l("No re-employment centre serves this place"),
    "case.referral_claimed": _l("A re-employment officer took the referral"),
    "case.referral_profile": _l("Re-employment: profile updated"),
    "case.vacancy_proposed": _l("Re-employment: a job proposed"),
    "case.vacancy_answered": _l("Re-employment: the worker answered a proposal"),
    "case.confirmed": _l("Agreement confirmed by the court"),
    "case.confirmation_refused": _l("Agreement not confirmed by the court"),
    "case.document_served": _l("A document was served: the party opened it on the platform"),
    "case.document_served_otherwise": _l("Service of a document by another way recorded"),
    "case.service_overdue": _l("A document was not served within 3 working days"),
    "case.document_corrected": _l("A corrected version of a document was issued"),
    "case.anonymised": _l("Personal data erased under the retention rule"),
    "case.limitation_suspended": _l("Time limit for arbitration suspended (第二十七条第三款)"),
    "case.limitation_resumed": _l(
        "The cause of the suspension ended: the time limit for arbitration runs on"
    ),
    "case.handed_to_arbitration": _l("Application handed to the arbitration commission"),
    "case.legal_aid_requested": _l("The worker asked for legal aid"),
}


def refusal_message(code: str):
    """Why an action was refused, for any code a service or workflow raises."""
    return REFUSAL_MESSAGES.get(code) or guard_message(code)
