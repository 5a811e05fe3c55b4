"""Who may see and build the agenda and run the demo scheduler."""
from ..permissions import ORGANISERS, grant

grant("agenda.manage", ORGANISERS)
grant("agenda.schedule", ORGANISERS)


def _own_booth(user, application) -> bool:
    from ..exhibitors.permissions import own_company

    return own_company(user, application)


grant("agenda.booth_manage", {"exhibitor", "organiser"}, _own_booth)
grant("agenda.book", {"ha_staff", "organiser"})
grant("agenda.my", {"ha_staff", "organiser", "exhibitor", "partnership"})
