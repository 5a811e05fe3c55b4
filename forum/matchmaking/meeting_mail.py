"""A meeting's iCalendar invitation (METHOD:REQUEST or CANCEL, stable UID, rising SEQUENCE) and its mail."""
from __future__ import annotations

from flask import current_app

from .. import mail
from ..communications.templates import queue_builtin, queue_custom
from ..communications.values import meeting_values
from ..db import HK, utcnow
from ..extensions import db
from .models import Answer, Meeting


def meeting_ics(meeting: Meeting, method: str) -> bytes:
    from icalendar import Calendar, Event, vCalAddress

    cal = Calendar()
    cal.add("prodid", "-//HKSTP x HA Innovation Forum//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"meeting-{meeting.uid}@forum.hkstp.example")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at.astimezone(HK))
    event.add("dtend", meeting.ends_at.astimezone(HK))
    event.add("summary", summary(meeting))
    event.add("location", meeting.place or meeting.video_url)
    if meeting.video_url:
        event.add("url", meeting.video_url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organiser = vCalAddress("mailto:" + current_app.config["MAIL_SENDER"].rsplit("<", 1)[-1].rstrip(">"))
    organiser.params["cn"] = "HKSTP x HA Innovation Forum"
    event.add("organizer", organiser)
    for p in meeting.participants:
        if p.answer == Answer.declined:
            continue
        attendee = vCalAddress(f"mailto:{p.user.email}")
        attendee.params["cn"] = p.user.name_en or p.user.email
        attendee.params["partstat"] = "ACCEPTED" if p.answer == Answer.accepted else "NEEDS-ACTION"
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def summary(meeting: Meeting) -> str:
    company = meeting.company
    zh = company.name_zh or company.name_en
    return f"Meeting: {company.name_en} / 會面：{zh}"


def send_invitations(meeting: Meeting, *, method: str) -> None:
    """Queue one mail per remaining participant with the invitation attached (sent after commit)."""
    body = meeting_ics(meeting, method)
    attachment = mail.Attachment(filename="invite.ics", content=body, maintype="text",
                                 subtype="calendar")
    link = mail.external_url("meetings.show", forum=meeting.forum.slug, meeting_id=meeting.id)
    en, zh = (("Meeting cancelled", "會面已取消") if method == "CANCEL" else
              ("Meeting confirmed", "會面已確認") if meeting.sequence <= 1 else ("Meeting updated", "會面已更新"))
    company = meeting.company
    subject = {"en": f"{en}: {company.name_en}", "zh_Hant_HK": f"{zh}：{company.name_zh or company.name_en}"}
    key = "meeting_cancellation" if method == "CANCEL" else "meeting_invitation"
    values = meeting_values(meeting, link, method=method)
    for p in meeting.participants:
        if p.answer == Answer.declined:
            continue
        # The forum's own wording, when it has one, carries the very same .ics attachment.
        if queue_custom(meeting.forum, key, p.user.email, p.user, extra=values, attachments=[attachment]):
            continue
        queue_builtin(p.user.email, p.user, subject, "meeting_invitation", attachments=[attachment], meeting=meeting, method=method, link=link)
