"""Who may see and build the agenda and run the demo scheduler."""
from ..permissions import ORGANISERS, grant


def _own_booth(user, application) -> bool:
    from ..exhibitors.permissions import own_company

    return own_company(user, application)


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    grant("agenda.manage", ORGANISERS)
    grant("agenda.schedule", ORGANISERS)
    grant("agenda.booth_manage", {"exhibitor", "organiser"}, _own_booth)
    grant("agenda.book", {"ha_staff", "organiser"})
    grant("agenda.my", {"ha_staff", "organiser", "exhibitor", "partnership"})
