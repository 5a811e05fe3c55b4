"""Who may check people in, run the kiosk, watch the dashboard and correct mistakes."""
from ..permissions import grant


def _kiosk_forum_only(user, forum) -> bool:
    """A kiosk session acts only at the forum it was started for."""
    return user.role != "kiosk" or getattr(forum, "slug", None) == user.forum_slug


# "kiosk" is the role of a tablet in kiosk mode (checkin/kiosk.py), not of an account.
grant("checkin.scan", {"scanner", "organiser", "kiosk"}, rule=_kiosk_forum_only)
grant("checkin.stats", {"scanner", "organiser"})
grant("checkin.kiosk", {"organiser", "kiosk"}, rule=_kiosk_forum_only)
grant("checkin.dashboard", {"organiser"})
grant("checkin.manage", {"organiser"})
grant("checkin.annul", {"organiser"})
