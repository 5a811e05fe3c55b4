"""Who may check people in, run the kiosk, watch the dashboard and correct mistakes."""
from ..permissions import grant

grant("checkin.scan", {"scanner", "organiser"})
grant("checkin.stats", {"scanner", "organiser"})
grant("checkin.kiosk", {"organiser"})
grant("checkin.dashboard", {"organiser"})
grant("checkin.manage", {"organiser"})
grant("checkin.annul", {"organiser"})
