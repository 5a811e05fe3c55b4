"""Networking hour pages: the organisers' page (open, run, lock) and each person's wishes and timetable."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.models import User
from ..db import HK
from ..extensions import db
from ..form_actions import commit_or_flash
from ..forums.forms import HK_FORMAT
from ..forums.services import visible_forum
from ..home.next_steps import Step, step
from ..permissions import requires
from ..refs import parse_id
from . import networking
from .models import NetworkingMeeting

bp = Blueprint("networking", __name__)

@step("scanner", order=45)
def _table_scanner_steps(user, forum):
    if forum is None:
        return []
    return [Step(_l("Networking tables: scan badges when a meeting happens"),
                 url_for("networking.scanner", forum=forum.slug, hour_id=hour.id),
                 hour.title or "") for hour in networking.hours_of(forum)]


PRIORITY_LABELS = {"must": _l("Must meet"), "like": _l("Would like to"), "no": _l("No thanks")}


def _int(name, default=None):
    value = request.form.get(name, "").strip()
    digits = value.removeprefix("-")
    return int(value) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else default


@bp.route("/forums/<forum>/networking", methods=["GET", "POST"])
@requires("networking.manage")
def manage(forum):
    from datetime import datetime

    target = visible_forum(current_user, forum)
    if request.method == "POST":
        try:
            start = datetime.strptime(request.form.get("starts_at", ""), HK_FORMAT).replace(tzinfo=HK)
        except ValueError:
            start = None
        commit_or_flash(lambda: networking.open_hour(
            current_user, target, starts_at=start, slot_minutes=_int("slot_minutes", 10), slots=_int("slots", 6),
            tables=_int("tables", 10), cap=_int("cap", 4), title=request.form.get("title", "")),
            _("The networking hour is open."))
        return redirect(url_for("networking.manage", forum=target.slug))
    hours = networking.hours_of(target)
    meetings = {h.id: db.session.query(NetworkingMeeting).filter_by(hour_id=h.id)
                .order_by(NetworkingMeeting.slot, NetworkingMeeting.table).all() for h in hours}
    ids = {p for rows in meetings.values() for m in rows for p in (m.first_id, m.second_id)}
    names = {u.id: u for u in db.session.query(User).filter(User.id.in_(ids))} if ids else {}
    return render_template("matchmaking/networking_manage.html", forum=target, hours=hours, meetings=meetings,
                           names=names)


@bp.route("/forums/<forum>/networking/<int:hour_id>/run", methods=["POST"])
@requires("networking.manage")
def run(forum, hour_id):
    target = visible_forum(current_user, forum)
    hour = networking.get_hour(target, hour_id)
    commit_or_flash(lambda: networking.run(current_user, hour), _("The schedule is made."))
    return redirect(url_for("networking.manage", forum=target.slug))


@bp.route("/forums/<forum>/networking/<int:hour_id>/lock", methods=["POST"])
@requires("networking.manage")
def lock(forum, hour_id):
    target = visible_forum(current_user, forum)
    hour = networking.get_hour(target, hour_id)
    commit_or_flash(lambda: networking.lock(current_user, hour, first_id=_int("first_id"), second_id=_int("second_id"),
                                            slot=_int("slot", -1), table=_int("table", -1)), _("Locked."))
    return redirect(url_for("networking.manage", forum=target.slug))


@bp.route("/forums/<forum>/networking/<int:hour_id>/me", methods=["GET", "POST"])
@requires("networking.join")
def mine(forum, hour_id):
    target = visible_forum(current_user, forum)
    hour = networking.get_hour(target, hour_id)
    if request.method == "POST":
        if request.form.get("busy") is not None:
            commit_or_flash(lambda: networking.set_busy(
                current_user, hour, [i for i in map(parse_id, request.form.getlist("slot")) if i is not None]),
                _("Saved."))
        else:
            commit_or_flash(lambda: networking.set_wish(current_user, hour, _int("other_id"),
                                                        request.form.get("priority", "")), _("Saved."))
        return redirect(url_for("networking.mine", forum=target.slug, hour_id=hour.id))
    others = [u for u in db.session.query(User).filter(User.id.in_(networking.participant_ids(hour)))
              .order_by(User.name_en) if u.id != current_user.id and u.role != current_user.role]
    wishes = {o: p for (w, o), p in networking.problem_of(hour).wishes.items() if w == current_user.id}
    return render_template("matchmaking/networking_me.html", forum=target, hour=hour, others=others, wishes=wishes,
                           labels=PRIORITY_LABELS, table=networking.timetable(current_user, hour),
                           unmet_labels=networking.UNMET_LABELS,
                           slots=[networking.slot_time(hour, s) for s in range(hour.slots)])


@bp.route("/forums/<forum>/networking/<int:hour_id>/me.ics")
@requires("networking.join")
def mine_ics(forum, hour_id):
    from ..agenda import outputs

    target = visible_forum(current_user, forum)
    hour = networking.get_hour(target, hour_id)
    items = [{"id": f"networking{m.id}", "title_en": f"Networking: {other.name_en}", "title_zh": f"交流：{other.name_zh}",
              "starts_at": start.isoformat(), "ends_at": end.isoformat(),
              "room": {"name_en": f"Table {m.table}", "name_zh": f"{m.table} 號桌"}}
             for m, other, start, end in networking.timetable(current_user, hour)["meetings"]]
    return Response(outputs.ics(target, items, name="Networking hour", uid_prefix="networking"),
                    mimetype="text/calendar")


@bp.route("/forums/<forum>/networking/<int:hour_id>/scan")
@requires("networking.scan")
def scanner(forum, hour_id):
    """"Meeting happened": the door scanner's page, at a table, for the badges of the people meeting there."""
    from ..db import utcnow
    from .table_scans import slot_at

    target = visible_forum(current_user, forum)
    hour = networking.get_hour(target, hour_id)
    slot = slot_at(hour, utcnow())
    mine = [m for m, *_ in networking.timetable(current_user, hour)["meetings"] if m.slot == slot]
    return render_template("matchmaking/table_scanner.html", forum=target, hour=hour,
                           table=mine[0].table if mine else None)


@bp.route("/forums/<forum>/networking/<int:hour_id>/me.pdf")
@requires("networking.join")
def mine_pdf(forum, hour_id):
    from flask_babel import force_locale

    from ..pdf import render_pdf

    target = visible_forum(current_user, forum)
    hour = networking.get_hour(target, hour_id)
    labels = {}
    for locale in ("en", "zh_Hant_HK"):
        with force_locale(locale):
            labels[locale] = {k: str(v) for k, v in networking.UNMET_LABELS.items()}
    body = render_pdf("matchmaking/networking_pdf.html", forum=target, hour=hour, user=current_user,
                      table=networking.timetable(current_user, hour), unmet_en=labels["en"],
                      unmet_zh=labels["zh_Hant_HK"])
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=networking-{hour.id}.pdf"})
