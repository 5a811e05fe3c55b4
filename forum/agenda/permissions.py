"""Who may see and build the agenda and run the demo scheduler."""
from ..permissions import STAFF, grant

grant("agenda.manage", STAFF)
grant("agenda.schedule", STAFF)
