"""The public agenda: the page (by time or by room), the forum's iCalendar feed and the PDF."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import force_locale
from flask_login import current_user

from ..forums.services import get_forum
from ..permissions import can, public
from . import outputs
from .forms import KIND_LABELS

bp = Blueprint("agenda_public", __name__)


@bp.app_context_processor
def _helpers():
    from .releases import pick

    return {"pick": pick, "iso_time": iso_time, "iso_date_time": iso_date_time}


def iso_time(value: str) -> str:
    from datetime import datetime

    from ..db import HK

    return datetime.fromisoformat(value).astimezone(HK).strftime("%H:%M")


def iso_date_time(value: str) -> str:
    """Date and time in Hong Kong, in the reader's language ("3 Dec 2026, 14:00" / "2026年12月3日 14:00"):
    for lists such as "My agenda" where meetings fall on days after the forum."""
    from datetime import datetime

    from ..i18n import hk_datetime

    return hk_datetime(datetime.fromisoformat(value), "medium")


def _release(forum):
    return outputs.published(forum, current_user)


@bp.route("/forums/<forum>/agenda")
@public
def agenda(forum):
    target = get_forum(forum)
    release = _release(target)
    view = "room" if request.args.get("view") == "room" else "time"
    items = release.sessions if release else []
    from .bookings import starred_ids

    return render_template("agenda/public.html", forum=target, release=release, view=view, kinds=KIND_LABELS,
                           by_time=outputs.by_time(items), by_room=outputs.by_room(items),
                           may_star=can(current_user, "agenda.my"), starred=starred_ids(current_user),
                           cancelled_titles=outputs.cancelled_titles(target, release))


@bp.route("/forums/<forum>/agenda.ics")
@public
def feed(forum):
    target = get_forum(forum)
    release = _release(target)
    body = outputs.ics(target, release.sessions if release else [], name=target.title_en or target.slug)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{target.slug}-agenda.ics"'})


@bp.route("/forums/<forum>/agenda.pdf")
@public
def pdf(forum):
    from ..pdf import render_pdf

    target = get_forum(forum)
    release = _release(target)
    locale = "zh_Hant_HK" if request.args.get("lang", "").startswith("zh") else "en"
    with force_locale(locale):
        body = render_pdf("agenda/agenda_pdf.html", forum=target, release=release, kinds=KIND_LABELS,
                          by_time=outputs.by_time(release.sessions if release else []), lang=locale)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{target.slug}-agenda-{locale}.pdf"'})
