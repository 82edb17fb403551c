"""What the case page shows of assignment (templates/team/_assign.html): to a lead mediator of
the case's organisation, the form to give the case to a mediator."""

from mediation import policy
from mediation.models import Case, User
from mediation.policy import Act
from mediation.team.forms import AssignForm


def assign_section(case: Case, user: User, bound: dict | None = None) -> dict:
    """``bound`` may hold the form as sent (``"assign"``), to show again with its problems."""
    if not policy.may_act(user, case, Act.assign):
        return {"assign_form": None}
    form = (bound or {}).get("assign") or AssignForm.for_case(case, formdata=None)
    return {"assign_form": form}
