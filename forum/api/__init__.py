"""The JSON API under /api/v1. Feature modules add their endpoints to the one blueprint."""
from .core import bp  # noqa: F401
from . import health, openapi  # noqa: F401,E402
from ..forums import api as _forums_api  # noqa: F401,E402
from ..exhibitors import api as _exhibitors_api  # noqa: F401,E402
from ..attendees import api as _attendees_api  # noqa: F401,E402
from ..checkin import api as _checkin_api  # noqa: F401,E402
from ..matchmaking import api as _matchmaking_api  # noqa: F401,E402
from ..matchmaking import meeting_api as _meeting_api  # noqa: F401,E402
from ..agenda import api as _agenda_api  # noqa: F401,E402
from ..pilots import api as _pilots_api  # noqa: F401,E402
from ..datalab import api as _datalab_api  # noqa: F401,E402
