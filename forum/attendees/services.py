"""The attendee use cases other features call, under the names they have always used.

Each lives in the module for its noun: people (finding, adding, editing), invitations,
registration (the invitee's answers), ticket_mail and exhibitor_staff; code inside this package
imports from there. Services take the acting user, raise domain errors and flush; the caller commits.
"""
from .exhibitor_staff import sync_exhibitor_staff
from .invitations import attendee_for_token, new_link_token, send_invitation, send_pending_invitations
from .people import (AttendeeFilter, add_attendee, arrived_among, arrived_ids, filtered_query,
                     get_attendee, list_attendees, status_counts, update_attendee)
from .registration import answer_for, cancel, decline, register, ticket_will_be_mailed, withdraw
from .ticket_mail import calendar_invite, current_codes, issue_and_mail, queue_ticket_mail, reissue_ticket

__all__ = [
    "sync_exhibitor_staff", "attendee_for_token", "new_link_token", "send_invitation", "send_pending_invitations",
    "AttendeeFilter", "add_attendee", "arrived_among", "arrived_ids",
    "filtered_query", "get_attendee", "list_attendees", "status_counts", "update_attendee", "answer_for", "cancel",
    "decline", "register", "ticket_will_be_mailed", "withdraw", "calendar_invite", "current_codes",
    "issue_and_mail", "queue_ticket_mail", "reissue_ticket",
]
