"""Who may check people in, run the kiosk, watch the dashboard and correct mistakes."""
from ..permissions import grant
from .kinds import may_use


def _kiosk_forum_only(user, forum) -> bool:
    """A kiosk session acts only at the forum it was started for."""
    return user.role != "kiosk" or getattr(forum, "slug", None) == user.forum_slug


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    # "kiosk" is the role of a tablet in kiosk mode (checkin/kiosk.py), not of an account.
    grant("checkin.scan", {"scanner", "organiser", "kiosk"}, rule=_kiosk_forum_only)
    grant("checkin.stats", {"scanner", "organiser"})
    grant("checkin.kiosk", {"organiser", "kiosk"}, rule=_kiosk_forum_only)
    grant("checkin.dashboard", {"organiser"})
    grant("checkin.manage", {"organiser"})
    grant("checkin.annul", {"organiser"})
    # A point of another kind than a forum door (the data lab's): whoever its kind's own permission lets
    # scan there. The roles are added by the feature registering the kind (kinds.register).
    grant("checkin.point", set(), rule=may_use)
