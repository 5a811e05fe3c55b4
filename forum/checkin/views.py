"""Check-in pages: the scanner for door staff, the self check-in kiosk, the live dashboard, points."""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from ..api.core import json_body
from .api import scan_rate_key
from ..db import utcnow
from ..errors import DomainError, PermissionDenied, wants_json
from ..extensions import db, limiter
from ..form_actions import show_domain_error, submit
from ..forums.services import current_forum, get_forum
from ..home.next_steps import Step, step
from ..i18n import name_of
from ..permissions import can, requires
from . import kiosk as kiosk_mode
from . import search as door_search
from . import arrivals, services
from . import kinds
from .points import add_point, get_kind_point, get_point, points_of, resolve_point, set_point_active
from .forms import AnnulForm, KioskExitForm, KioskStartForm, PointForm

bp = Blueprint("checkin", __name__, cli_group=None)


BASE = "/forums/<forum>/checkin"

@step("scanner", "organiser", "admin")
def _checkin_steps(user, forum):
    if forum is None:
        return []
    out = [Step(_l("Open the door scanner"), url_for("checkin.scan", forum=forum.slug),
                _l("Scan tickets with the phone's camera; it keeps working offline."))]
    if can(user, "checkin.dashboard"):
        out.append(Step(_l("Watch arrivals live"), url_for("checkin.dashboard", forum=forum.slug)))
    return out


BADGE_LINK_MAX_AGE = 10 * 60


def _badge_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="kiosk-badge")


def badge_url(forum, attendee_id: int | None) -> str | None:
    """The attendee's badge PDF, with a short-lived signed pass that the kiosk lock accepts.

    The pass travels in the link rather than in the session: a scan answered after staff ended
    kiosk mode must not write kiosk state back into the browser's session cookie.
    """
    if attendee_id is None or "attendees.badge" not in current_app.view_functions:
        return None
    return url_for("attendees.badge", forum=forum.slug, attendee_id=attendee_id,
                   k=_badge_signer().dumps({"a": attendee_id, "f": forum.slug}))


def _badge_pass_valid(attendee_id, forum_slug: str) -> bool:
    try:
        data = _badge_signer().loads(request.args.get("k", ""), max_age=BADGE_LINK_MAX_AGE)
    except BadData:
        return False
    return data == {"a": attendee_id, "f": forum_slug}


# --- the kiosk lock: a tablet in kiosk mode shows nothing but the kiosk ---------------------------

KIOSK_ENDPOINTS = {"static", "checkin.kiosk", "checkin.kiosk_scan", "checkin.kiosk_exit", "accounts.set_language",
                   "health.healthz"}


@bp.before_app_request
def _kiosk_lock():
    kiosk = session.get("kiosk")
    if not kiosk or request.endpoint in KIOSK_ENDPOINTS:
        return None
    args = request.view_args or {}
    if (request.endpoint == "attendees.badge" and args.get("forum") == kiosk["forum"]
            and _badge_pass_valid(args.get("attendee_id"), kiosk["forum"])):
        # The badge of a person who has just checked in at this kiosk: for this request the kiosk
        # holds that person's pass, which the "attendee.badge" rule checks.
        current_user.attendee_id = args.get("attendee_id")
        return None
    if wants_json():
        raise PermissionDenied()
    return redirect(url_for("checkin.kiosk", forum=kiosk["forum"]))


# --- scanner --------------------------------------------------------------------------------------

@bp.route("/checkin/")
@requires("checkin.scan")
def start():
    forum = current_forum()
    if forum is None:
        flash(_("No forum is open yet."), "info")
        return redirect(url_for("forums.index"))
    return redirect(url_for("checkin.scan", forum=forum.slug))


@bp.route(BASE + "/scan")
@requires("checkin.scan")
def scan(forum: str):
    forum = get_forum(forum)
    points = points_of(forum, active_only=True)
    return render_template("checkin/scan.html", forum=forum, points=points, point_names=_point_names(points))


@bp.route("/checkin/points/<int:point_id>/scan")
@requires("checkin.point")
def point_scan(point_id: int):
    """The scanner at a point without a forum (the data lab's door): the forum door's page parts and
    scanner.js, with the kind's code pattern and words, and a choice of scanning in or out."""
    point = get_kind_point(point_id)
    rules = kinds.rules_for(point)
    if not can(current_user, "checkin.point", point):
        raise PermissionDenied()
    return render_template("checkin/point_scan.html", point=point, rules=rules,
                           kind_words={key: str(word) for key, word in rules.words.items()})


def _point_names(points) -> dict[str, str]:
    """Point key -> its name in the page's language (the scanner names the point of a first entry)."""
    return {p.key: name_of(p) or p.display_name for p in points}


def _search_limit() -> str:
    return current_app.config["RATELIMIT_SEARCH"]


@bp.route(BASE + "/search")
@requires("checkin.scan")
@limiter.limit(_search_limit, key_func=scan_rate_key)
def search(forum: str):
    forum = get_forum(forum)
    found = door_search.search_attendees(current_user, forum, request.args.get("q", ""))
    db.session.commit()  # the audit record of the search
    return jsonify({"attendees": found})


@bp.route(BASE + "/attendees/<int:attendee_id>", methods=["POST"])
@requires("checkin.scan")
@limiter.limit(lambda: current_app.config["RATELIMIT_SCAN"], key_func=scan_rate_key)
def check_in_found(forum: str, attendee_id: int):
    """Check in a person picked from the name search (the page never sees their ticket code)."""
    forum = get_forum(forum)
    data = json_body()
    answer = door_search.check_in_attendee(current_user, forum, attendee_id, point=data.get("point"),
                                        nonce=data.get("nonce"), device_id=str(data.get("device_id") or "")[:80])
    db.session.commit()
    return jsonify(answer)


@bp.route(BASE + "/walk-ins", methods=["POST"])
@requires("attendee.walk_in")
@limiter.limit(lambda: current_app.config["RATELIMIT_SCAN"], key_func=scan_rate_key)
def walk_in(forum: str):
    """Register someone the name search did not find, and check them in (the scanner page's form)."""
    forum = get_forum(forum)
    data = json_body()
    person = {key: str(data.get(key) or "") for key in ("name_en", "name_zh", "email", "organisation", "kind")}
    answer = door_search.register_walk_in(current_user, forum, person, point=data.get("point"),
                                          nonce=data.get("nonce"), device_id=str(data.get("device_id") or "")[:80])
    db.session.commit()
    return jsonify(answer)


# --- kiosk ----------------------------------------------------------------------------------------

@bp.route(BASE + "/kiosk", methods=["GET", "POST"])
@requires("checkin.kiosk")
def kiosk(forum: str):
    forum = get_forum(forum)
    state = session.get("kiosk")
    if state:
        if state["forum"] != forum.slug:
            return redirect(url_for("checkin.kiosk", forum=state["forum"]))
        point = resolve_point(forum, state.get("point")) if state.get("point") else None
        return render_template("checkin/kiosk.html", forum=forum, point=point, exit_form=KioskExitForm(),
                               point_names=_point_names(points_of(forum, active_only=False)))
    points = points_of(forum, active_only=True)
    form = KioskStartForm()
    form.point.choices = [(p.key, p.display_name) for p in points]

    def become_kiosk(_result) -> None:
        # The organiser's session leaves the tablet: from here on it is a kiosk and nothing else.
        logout_user()
        session["kiosk"] = {"forum": forum.slug, "point": form.point.data}
        # Already "not fresh": Flask-Login's session protection would otherwise write that into the
        # session on the first scan, and a late scan's cookie could then revive an ended kiosk.
        session["_fresh"] = False

    done = submit(form, lambda: kiosk_mode.start_kiosk(current_user, forum, form.pin.data,
                                                       make_new_pin=form.new_pin.data),
                  after=become_kiosk, to=url_for("checkin.kiosk", forum=forum.slug))
    return done or render_template("checkin/kiosk_start.html", forum=forum, form=form, points=points,
                           pin_set=forum.kiosk_pin_hash is not None)


def _kiosk_session(forum):
    state = session.get("kiosk")
    if current_user.role != "kiosk" or not state or state["forum"] != forum.slug:
        raise PermissionDenied()
    return state


@bp.route(BASE + "/kiosk/scan", methods=["POST"])
@requires("checkin.kiosk")
@limiter.limit(lambda: current_app.config["RATELIMIT_SCAN"])
def kiosk_scan(forum: str):
    forum = get_forum(forum)
    state = _kiosk_session(forum)
    data = json_body()
    scan = services.parse_scan({"code": data.get("code"), "nonce": data.get("nonce"), "point": state.get("point")},
                               device_id="kiosk")
    answer = services.check_in(current_user, forum, scan)
    db.session.commit()
    if answer.get("attendee"):  # never on the kiosk's screen, whatever the forum shows door staff
        answer = {**answer, "attendee": {k: v for k, v in answer["attendee"].items() if k != "access_needs"}}
    attendee_id = (answer.get("attendee") or {}).get("id") if answer["result"] in ("ok", "already_checked_in") else None
    # The session is only read here: see badge_url().
    return jsonify({**answer, "badge_url": badge_url(forum, attendee_id)})


@bp.route(BASE + "/kiosk/exit", methods=["POST"])
@requires("checkin.kiosk")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
def kiosk_exit(forum: str):
    forum = get_forum(forum)
    _kiosk_session(forum)
    form = KioskExitForm()
    ended = form.validate_on_submit() and kiosk_mode.end_kiosk(current_user, forum, form.pin.data)
    db.session.commit()
    if ended:
        session.pop("kiosk", None)
        flash(_("Kiosk mode has ended. Sign in to carry on."), "success")
        return redirect(url_for("accounts.login", next=url_for("checkin.dashboard", forum=forum.slug)))
    flash(_("Wrong PIN: the kiosk stays locked."), "error")
    return redirect(url_for("checkin.kiosk", forum=forum.slug))


# --- dashboard and corrections -------------------------------------------------------------------

@bp.route(BASE + "/dashboard")
@requires("checkin.dashboard")
def dashboard(forum: str):
    forum = get_forum(forum)
    return render_template("checkin/dashboard.html", forum=forum, data=arrivals.dashboard(forum), now=utcnow())


@bp.route(BASE + "/dashboard/live")
@requires("checkin.dashboard")
def dashboard_live(forum: str):
    """The dashboard's changing part, polled by the open page every few seconds."""
    forum = get_forum(forum)
    return render_template("checkin/_dashboard_live.html", forum=forum, data=arrivals.dashboard(forum), now=utcnow())


@bp.route(BASE + "/dashboard.json")
@requires("checkin.dashboard")
def dashboard_json(forum: str):
    forum = get_forum(forum)
    data = arrivals.dashboard(forum)
    return jsonify({**data.stats, "per_5_minutes": [[t.isoformat(), n] for t, n in data.buckets],
                    "by_site": [{"cluster": c, "site_en": s_en, "site_zh": s_zh, "invited": n, "arrived": int(a or 0)}
                                for c, _c_en, _c_zh, s_en, s_zh, n, a in data.by_site],
                    "not_arrived": data.missing_count})


@bp.route(BASE + "/checkins/<int:checkin_id>/annul", methods=["POST"])
@requires("checkin.annul")
def annul(forum: str, checkin_id: int):
    forum = get_forum(forum)
    form = AnnulForm()
    if not form.validate_on_submit():
        flash(_("Say why the check-in is annulled."), "error")
        return redirect(url_for("checkin.dashboard", forum=forum.slug))
    try:
        services.annul_check_in(current_user, services.get_check_in(forum, checkin_id), form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The check-in is annulled."), "success")
    return redirect(url_for("checkin.dashboard", forum=forum.slug))


@bp.route(BASE + "/points", methods=["GET", "POST"])
@requires("checkin.manage")
def points(forum: str):
    forum = get_forum(forum)
    form = PointForm()
    if form.validate_on_submit():
        try:
            add_point(current_user, forum, form.name_en.data or "", form.name_zh.data or "",
                               form.key.data or None)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The check-in point is added."), "success")
            return redirect(url_for("checkin.points", forum=forum.slug))
    return render_template("checkin/points.html", forum=forum, form=form, points=points_of(forum))


@bp.route(BASE + "/points/<int:point_id>/toggle", methods=["POST"])
@requires("checkin.manage")
def toggle_point(forum: str, point_id: int):
    forum = get_forum(forum)
    point = get_point(forum, point_id)
    set_point_active(current_user, point, not point.active)
    db.session.commit()
    return redirect(url_for("checkin.points", forum=forum.slug))


