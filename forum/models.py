"""Imports every model so that SQLAlchemy and Alembic see all tables."""
from .accounts.models import ApiToken, User  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .exhibitors.models import Application, Company, Solution, StoredFile, Theme  # noqa: F401
from .forums.models import Forum  # noqa: F401
from .sites.models import Cluster, Site  # noqa: F401
from .attendees.models import Attendee, Ticket  # noqa: F401
from .checkin.models import CheckIn, CheckInPoint  # noqa: F401
from .datalab.models import Booking, LabApplication, OutputRequest  # noqa: F401
