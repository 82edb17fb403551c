"""The domain errors every feature raises, mapped to answers once per blueprint.

``NotPermitted`` (403), ``Refused`` (409) and ``Invalid`` (422) come from the operations and
the schemas; the workflow errors (``IllegalTransition`` 409, ``GuardFailed`` 422) from
``workflows``. Views hold no
``try/except`` for them: ``mediation.core.answers`` turns each into a page message or a JSON
error.
"""

from sqlalchemy.orm.exc import StaleDataError

from mediation.extensions import db


class NotPermitted(Exception):
    """The user may see the record but not do this to it (HTTP 403)."""


class Refused(Exception):
    """An action cannot be done now; ``code`` says why (HTTP 409)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Invalid(Exception):
    """Input that cannot be used (HTTP 422): ``errors`` maps each field path to its messages,
    every problem of the submission at once."""

    def __init__(self, errors: dict[str, list]) -> None:
        super().__init__(errors)
        self.errors = errors


def flush_or_refuse() -> None:
    """Write now, so that a concurrent change to the same record (a double submit, two staff at
    once) is refused here as a conflict rather than failing at commit. The request's one
    rollback undoes the rest."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Refused("changed_meanwhile") from None
