"""Words for routing destinations, shared by the rule pages."""

from mediation.translation import lazy_gettext as _l
from workflows.routing import Destination

DESTINATION_LABELS = {
    Destination.enterprise_committee: _l("The employer's enterprise mediation committee"),
    Destination.street_hr_centre: _l("The HR centre of the employer's street or town"),
    Destination.district_hr_centre: _l("The HR centre of the employer's district"),
    Destination.district_union: _l("The trade union of the employer's district"),
    Destination.district_court: _l("The court of the employer's district"),
    Destination.organization: _l("One organisation, named below"),
}
