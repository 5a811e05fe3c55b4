"""The background job that sends an announcement, as the jobs feature knows it: registered by init_app."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError
from ..extensions import db
from ..jobs.kinds import Kind
from . import announcements
from .models import Announcement


def _check(forum, params) -> None:
    announcement = db.session.get(Announcement, params.get("announcement") or 0)
    if forum is None or announcement is None or announcement.forum_id != forum.id:
        raise ValidationError(_l("There is no such announcement."))


def _run(job, actor, report):
    announcements.deliver(actor, job.forum, int(job.params["announcement"]), report)
    return None  # no file: the delivery counts on the announcement's page are its result


def _page(job) -> str:
    return url_for("communications.announcement", forum=job.forum.slug, announcement_id=job.params["announcement"])


KIND = Kind("announcement", _l("Announcement to a group"), "communications.manage", _run, check=_check, page=_page)
