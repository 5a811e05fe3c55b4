"""Data-lab audit events as sentences in the reader's language (never raw field diffs)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.models import AuditEvent
from .forms import DECISION_CHOICES, OUTPUT_VERDICTS, STATUS_LABELS

SESSION_WORDS = {"am": _l("morning"), "pm": _l("afternoon")}
SENTENCES = {
    "datalab.application_created": _l("%(who)s started the application “%(title)s”."),
    "datalab.application_copied": _l("%(who)s started a new application prefilled from application %(from)s."),
    "datalab.team_member_added": _l("%(who)s named %(member)s on the team."),
    "datalab.team_member_removed": _l("%(who)s took %(member)s off the team."),
    "datalab.attachment_added": _l("%(who)s attached %(file)s."),
    "datalab.submitted": _l("%(who)s submitted the application to both committees."),
    "datalab.resubmitted": _l("%(who)s sent revision %(revision)s back to the committees."),
    "datalab.amendment_started": _l("%(who)s started an amendment of the approved application."),
    "datalab.withdrawn": _l("%(who)s withdrew the application."),
    "datalab.decision": _l("%(who)s recorded the decision of the %(committee)s: %(decision)s."),
    "datalab.status": _l("The application is now: %(status)s."),
    "datalab.conflict_declared": _l("%(who)s declared a conflict of interest and stays out of this decision."),
    "datalab.undertaking_accepted": _l("%(who)s accepted the data-use undertaking."),
    "datalab.booked": _l("%(who)s booked %(seat)s for %(member)s on %(day)s (%(session)s)."),
    "datalab.booking_cancelled": _l("%(who)s cancelled %(member)s's seat %(seat)s on %(day)s (%(session)s)."),
    "datalab.no_show": _l("%(member)s did not come to %(seat)s on %(day)s (%(session)s): recorded as a no-show, "
                          "seat released."),
    "datalab.waiting": _l("%(who)s put %(member)s on the waiting list for %(day)s (%(session)s)."),
    "datalab.seat_offered": _l("A released seat %(seat)s on %(day)s (%(session)s) is held for %(member)s until "
                               "%(until)s."),
    "datalab.seat_confirmed": _l("%(who)s confirmed the held seat %(seat)s for %(member)s."),
    "datalab.hold_expired": _l("The seat held for %(member)s on %(day)s (%(session)s) was not confirmed in time."),
    "datalab.entered": _l("%(who)s let %(member)s in at the lab door (%(seat)s)."),
    "datalab.left": _l("%(who)s scanned %(member)s out of the lab."),
    "datalab.door_refused": _l("%(who)s refused entry at the lab door: %(reason)s"),
    "datalab.output_requested": _l("%(who)s asked to release %(files)s."),
    "datalab.output_reviewed": _l("%(who)s reviewed output request %(request)s: %(verdict)s."),
    "datalab.output_released": _l("Output request %(request)s is released."),
    "datalab.output_returned": _l("Output request %(request)s is returned with comments."),
    "datalab.output_rejected": _l("Output request %(request)s is rejected."),
    "datalab.published": _l("%(who)s put the project on the public register."),
    "datalab.unpublished": _l("%(who)s took the project off the public register."),
    "datalab.staff_added": _l("%(who)s made %(user)s lab staff."),
    "datalab.committee_member": _l("%(who)s named %(user)s to the %(committee)s."),
    "datalab.committee_chair": _l("%(who)s named %(user)s to chair the %(committee)s."),
    "datalab.workstation_added": _l("%(who)s added workstation %(code)s."),
    "datalab.blackout": _l("%(who)s closed the lab on %(day)s: %(reason)s."),
    "datalab.holidays_loaded": _l("%(who)s updated the public holiday list (%(days)s days)."),
    "datalab.settings": _l("%(who)s changed the lab's rules."),
    "datalab.profile_updated": _l("%(who)s updated their lab training record."),
    "datalab.organisation_added": _l("%(who)s added the organisation %(name)s."),
    "datalab.researcher_invited": _l("%(who)s invited a person from %(organisation)s to use the lab."),
    "datalab.researcher_added": _l("%(who)s named %(person)s's existing account for %(organisation)s: they may "
                                   "now use the lab for it."),
}

# The step names of the lab's audit filter.
STEPS = {
    "datalab.amendment_started": _l("Amendment started"),
    "datalab.application_copied": _l("Application copied"),
    "datalab.application_created": _l("Application started"),
    "datalab.attachment_added": _l("Attachment added"),
    "datalab.blackout": _l("Lab closed for a day"),
    "datalab.booked": _l("Seat booked"),
    "datalab.booking_cancelled": _l("Booking cancelled"),
    "datalab.committee_member": _l("Committee member named"),
    "datalab.committee_chair": _l("Committee chair named"),
    "datalab.organisation_added": _l("Organisation added"),
    "datalab.researcher_invited": _l("Partner or researcher invited"),
    "datalab.researcher_added": _l("Existing account named for an organisation"),
    "datalab.conflict_declared": _l("Conflict of interest declared"),
    "datalab.decision": _l("Committee decision"),
    "datalab.door_refused": _l("Entry refused at the door"),
    "datalab.entered": _l("Entered the lab"),
    "datalab.hold_expired": _l("Held seat not confirmed"),
    "datalab.holidays_loaded": _l("Public holidays updated"),
    "datalab.left": _l("Left the lab"),
    "datalab.no_show": _l("No-show"),
    "datalab.output_rejected": _l("Output rejected"),
    "datalab.output_released": _l("Output released"),
    "datalab.output_requested": _l("Output requested"),
    "datalab.output_returned": _l("Output returned with comments"),
    "datalab.output_reviewed": _l("Output reviewed"),
    "datalab.profile_updated": _l("Training record updated"),
    "datalab.published": _l("Put on the public register"),
    "datalab.resubmitted": _l("Revision sent back"),
    "datalab.seat_confirmed": _l("Held seat confirmed"),
    "datalab.seat_offered": _l("Released seat held"),
    "datalab.settings": _l("Lab rules changed"),
    "datalab.staff_added": _l("Lab staff added"),
    "datalab.status": _l("Status changed"),
    "datalab.submitted": _l("Submitted"),
    "datalab.team_member_added": _l("Team member added"),
    "datalab.team_member_removed": _l("Team member removed"),
    "datalab.undertaking_accepted": _l("Undertaking accepted"),
    "datalab.unpublished": _l("Taken off the public register"),
    "datalab.waiting": _l("Put on the waiting list"),
    "datalab.withdrawn": _l("Withdrawn"),
    "datalab.workstation_added": _l("Workstation added"),
}


class _Values(dict):
    def __missing__(self, key):
        return ""


def sentence(event: AuditEvent) -> str:
    template = SENTENCES.get(event.action)
    values = _Values({k: (", ".join(map(str, v)) if isinstance(v, list) else v)
                      for k, v in (event.changes or {}).items()})
    values["who"] = event.actor.display_name if event.actor else _("The system")
    if values.get("session") in SESSION_WORDS:
        values["session"] = str(SESSION_WORDS[values["session"]])
    for key, labels in (("decision", dict(DECISION_CHOICES)), ("verdict", dict(OUTPUT_VERDICTS)),
                        ("status", STATUS_LABELS)):
        if values.get(key) in labels:
            values[key] = str(labels[values[key]])
    if template is None:
        return f"{values['who']}: {event.action}"
    return str(template) % values
