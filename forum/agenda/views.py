"""Agenda pages: the organisers' editor (grid, forms, drag endpoint), the scheduler and publishing."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..db import HK
from ..errors import DomainError, ValidationError
from ..extensions import db
from ..form_actions import commit_or_flash, submit
from ..forums.services import get_forum
from ..permissions import requires
from . import releases, scheduler, sessions
from .conflicts import find_conflicts, live_sessions, rooms_of
from .forms import KIND_LABELS, DemoSlotsForm, PublishForm, RoomForm, SessionForm

bp = Blueprint("agenda", __name__)
BASE = "/forums/<forum>/agenda"
STEP = timedelta(minutes=sessions.STEP_MINUTES)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=HK) if value is not None and value.tzinfo is None else value


def grid(forum, rows, rooms):
    """Rows of the editor's grid: one per 5 minutes; each session's first row and row span."""
    start = forum.starts_at
    steps = int((forum.ends_at - start) / STEP)
    placed = []
    for s in rows:
        first = max(0, int((s.starts_at - start) / STEP))
        span = max(1, int((min(s.ends_at, forum.ends_at) - max(s.starts_at, start)) / STEP))
        column = next((i for i, r in enumerate(rooms) if r.id == s.room_id), len(rooms))
        placed.append({"session": s, "row": first + 2, "span": span, "column": column + 2})
    labels = [(i + 2, (start + STEP * i).astimezone(HK).strftime("%H:%M")) for i in range(0, steps, 3)]
    return placed, labels, steps


@bp.route(f"{BASE}/edit")
@requires("agenda.manage")
def editor(forum):
    target = get_forum(forum)
    rows = live_sessions(target)
    rooms = rooms_of(target)
    conflicts = find_conflicts(target, rows)
    by_session: dict[int, list[str]] = {}
    for c in conflicts:
        for sid in c.session_ids:
            by_session.setdefault(sid, []).append(c.message)
    placed, labels, steps = grid(target, rows, rooms)
    return render_template("agenda/editor.html", forum=target, rooms=rooms, placed=placed, labels=labels,
                           steps=steps, conflicts=conflicts, by_session=by_session, kinds=KIND_LABELS,
                           form=_session_form(target), room_form=RoomForm(prefix="room"),
                           slots_form=_slots_form(target), publish_form=PublishForm(),
                           release=releases.latest_release(target), run=scheduler.latest_run(target))


def _session_form(forum, obj=None) -> SessionForm:
    form = SessionForm(obj=obj)
    form.room_id.choices = [("", _("No room"))] + [(str(r.id), r.display_name) for r in rooms_of(forum)]
    return form


def _slots_form(forum) -> DemoSlotsForm:
    form = DemoSlotsForm(prefix="slots")
    form.room_id.choices = [(str(r.id), r.display_name) for r in rooms_of(forum)]
    return form


def _form_data(form: SessionForm) -> dict:
    return {
        "kind": form.kind.data, "title_en": form.title_en.data, "title_zh": form.title_zh.data,
        "description_en": form.description_en.data, "description_zh": form.description_zh.data,
        "starts_at": _aware(form.starts_at.data), "ends_at": _aware(form.ends_at.data),
        "room_id": form.room_id.data or None, "expected_audience": form.expected_audience.data,
        "speakers": [{"user_email": line.strip()} if "@" in line else {"name_en": line.strip()}
                     for line in (form.speakers.data or "").splitlines() if line.strip()],
    }


@bp.route(f"{BASE}/sessions/new", methods=["GET", "POST"])
@requires("agenda.manage")
def new_session(forum):
    target = get_forum(forum)
    form = _session_form(target)
    done = submit(form, lambda: sessions.save_session(current_user, target, _form_data(form)),
                  success=_("Session added."), to=url_for("agenda.editor", forum=target.slug))
    return done or render_template("agenda/session_form.html", forum=target, form=form, session=None)


@bp.route(f"{BASE}/sessions/<int:session_id>", methods=["GET", "POST"])
@requires("agenda.manage")
def edit_session(forum, session_id):
    target = get_forum(forum)
    row = sessions.get_session(target, session_id)
    form = _session_form(target, obj=None if request.method == "POST" else row)
    if request.method == "GET":
        form.kind.data = row.kind.value
        form.starts_at.data = row.starts_at.astimezone(HK).replace(tzinfo=None)
        form.ends_at.data = row.ends_at.astimezone(HK).replace(tzinfo=None)
        form.room_id.data = str(row.room_id or "")
        form.speakers.data = "\n".join(s.user.email if s.user else s.display_name for s in row.speakers)
    done = submit(form, lambda: sessions.save_session(current_user, target, _form_data(form), row),
                  success=_("Session saved."), to=url_for("agenda.editor", forum=target.slug))
    if done:
        return done
    conflicts = find_conflicts(target, only={row.id})
    return render_template("agenda/session_form.html", forum=target, form=form, session=row, conflicts=conflicts)


@bp.route(f"{BASE}/sessions/<int:session_id>/move", methods=["POST"])
@requires("agenda.manage")
def move(forum, session_id):
    """The grid's drag: JSON {starts_at, ends_at, room_id, version} -> the session and its conflicts."""
    target = get_forum(forum)
    body = request.get_json(silent=True)
    try:
        row = sessions.get_session(target, session_id)
        if not isinstance(body, dict):
            raise ValidationError(_l("Send a JSON object."))
        try:
            starts_at = datetime.fromisoformat(body["starts_at"])
            ends_at = datetime.fromisoformat(body["ends_at"])
            version = int(body["version"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_l("Give starts_at and ends_at as ISO 8601 times, and the version you read."))
        conflicts = sessions.move_session(current_user, target, row, _aware(starts_at), _aware(ends_at),
                                          body.get("room_id"), version)
    except DomainError as error:
        db.session.rollback()
        return jsonify({"error": {"code": error.code, "message": error.message, "fields": error.fields}}), \
            error.status
    db.session.commit()
    return jsonify({"session": {"id": row.id, "version": row.version, "starts_at": row.starts_at.isoformat(),
                                "ends_at": row.ends_at.isoformat(), "room_id": row.room_id},
                    "conflicts": [c.as_dict() for c in conflicts],
                    "all_conflicts": [c.as_dict() for c in find_conflicts(target)]})


@bp.route(f"{BASE}/sessions/<int:session_id>/cancel", methods=["POST"])
@requires("agenda.manage")
def cancel(forum, session_id):
    target = get_forum(forum)
    row = sessions.get_session(target, session_id)
    commit_or_flash(lambda: sessions.cancel_session(current_user, target, row), _("Session cancelled."))
    return redirect(url_for("agenda.editor", forum=target.slug))


@bp.route(f"{BASE}/sessions/<int:session_id>/pin", methods=["POST"])
@requires("agenda.manage")
def pin(forum, session_id):
    target = get_forum(forum)
    row = sessions.get_session(target, session_id)
    wanted = not row.pinned
    commit_or_flash(lambda: sessions.set_pinned(current_user, target, row, wanted),
                    _("Pinned: the scheduler will not move it.") if wanted else _("Unpinned."))
    return redirect(url_for("agenda.editor", forum=target.slug))


@bp.route(f"{BASE}/rooms", methods=["POST"])
@requires("agenda.manage")
def add_room(forum):
    target = get_forum(forum)
    form = RoomForm(prefix="room")
    if form.validate_on_submit():
        commit_or_flash(lambda: sessions.add_room(current_user, target, form.name_en.data, form.name_zh.data or "",
                                                  form.capacity.data), _("Room added."))
    else:
        flash(_("Give the room a name and a capacity of 0 or more."), "error")
    return redirect(url_for("agenda.editor", forum=target.slug))


@bp.route(f"{BASE}/slots", methods=["POST"])
@requires("agenda.manage")
def open_slots(forum):
    target = get_forum(forum)
    form = _slots_form(target)
    if form.validate_on_submit():
        def action():
            room = sessions.get_room(target, form.room_id.data)
            sessions.open_demo_slots(current_user, target, room, _aware(form.starts_at.data), form.minutes.data,
                                     form.count.data)
        commit_or_flash(action, _("Demo slots opened."))
    else:
        flash(_("Choose a room, a first start, minutes per slot and a number of slots."), "error")
    return redirect(url_for("agenda.editor", forum=target.slug))


@bp.route(f"{BASE}/schedule", methods=["GET", "POST"])
@requires("agenda.schedule")
def schedule(forum):
    target = get_forum(forum)
    if request.method == "POST":
        if commit_or_flash(lambda: scheduler.run_scheduler(current_user, target, time_limit=10.0)):
            return redirect(url_for("agenda.schedule", forum=target.slug))
    run = scheduler.latest_run(target)
    return render_template("agenda/schedule.html", forum=target, run=run,
                           conflicts=scheduler.describe_conflicts(run, limit=50) if run else [],
                           reasons=scheduler.describe_reasons(run) if run else [])


@bp.route(f"{BASE}/publish", methods=["POST"])
@requires("agenda.manage")
def publish(forum):
    target = get_forum(forum)
    form = PublishForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: releases.publish(current_user, target, acknowledge_warnings=form.acknowledge.data),
                        _("Agenda published."))
    return redirect(url_for("agenda.editor", forum=target.slug))


@bp.route("/agenda")
@requires("agenda.manage")
def editor_home():
    from ..forums.services import current_forum

    target = current_forum()
    if target is None:
        flash(_("There is no forum yet."), "error")
        return redirect(url_for("home.index"))
    return redirect(url_for("agenda.editor", forum=target.slug))


