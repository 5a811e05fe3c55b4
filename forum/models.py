"""Imports every model so that SQLAlchemy and Alembic see all tables."""
from .accounts.models import ApiToken, User  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .exhibitors.models import Application, Company, Solution, StoredFile, Theme  # noqa: F401
from .forums.models import Forum  # noqa: F401
from .sites.models import Cluster, Site  # noqa: F401
from .attendees.models import Attendee, AttendeeTheme, Ticket  # noqa: F401
from .checkin.models import CheckIn, CheckInPoint  # noqa: F401
from .matchmaking.models import Bookmark, Lead  # noqa: F401
from .agenda.models import (AgendaFeedToken, AgendaRelease, AgendaSession, BoothBooking, BoothDemoSlot,  # noqa: F401
                            DemoSlot, Room, SchedulerRun, SessionSpeaker, SessionStar)
from .pilots.models import (Champion, FollowUp, Pilot, PilotComment, PilotOrigin, PilotSite, Survey,  # noqa: F401
                            SurveyInvite, Transition)
from .datalab.models import Booking, LabApplication, OutputRequest  # noqa: F401
from .jobs.models import Job, JobResult  # noqa: F401
from .privacy.models import Consent  # noqa: F401
from .communications.models import Announcement, MailOptOut, MailTemplate, WalletSettings  # noqa: F401
from .cache import ContentChange, ContentGeneration  # noqa: F401
