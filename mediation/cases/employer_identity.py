"""Staff complete the unified social credit code (USCC) of an employer that a worker named
without it, before accepting the case.

When another employer already has that code, the case moves to it: the employer the filing
created stays (other cases may name it too, and the audit log points at it) but this case no
longer uses it. Otherwise the code is set on the employer the filing created, for every case
that names it. Routing happened at filing, by the street chosen then: the case stays where it
is.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Invalid, Refused, flush_or_refuse
from mediation.core.notifications import notify
from mediation.core.recipients import representatives_of
from mediation.extensions import db
from mediation.models import Case, Employer, User
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from mediation.validators import InvalidValue, normalise_uscc

USCC_MISSING = _l(
    "The employer's unified social credit code is not known yet: complete it on the case page "
    "before accepting the case."
)


def complete_uscc(case: Case, *, actor: User, uscc: str) -> Employer:
    """Give the case's employer its USCC (``Invalid`` on field ``uscc`` for a wrong code);
    returns the employer the case names afterwards. The caller commits."""
    policy.require_act(actor, case, Act.complete_uscc)
    try:
        code = normalise_uscc(uscc)
    except InvalidValue as error:
        raise Invalid({"uscc": [error.message]}) from None
    named = case.employer
    known = db.session.scalar(select(Employer).where(Employer.uscc == code))
    if known is not None:
        case.employer = known
        flush_or_refuse()
        notify(representatives_of(known), "against_company", case)
    else:
        named.uscc = code
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:
            # Another member of staff gave this code to another employer at the same moment.
            raise Refused("changed_meanwhile") from None
    audit.record_case_event(
        case,
        "employer_uscc_completed",
        actor=actor,
        uscc=code,
        employer_id=case.employer_id,
        filed_employer_id=named.id,
        moved=known is not None,
    )
    return case.employer
