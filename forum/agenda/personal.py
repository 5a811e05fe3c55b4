"""Booth demos (exhibitors open, HA staff book and cancel), "My agenda", stars and the private feed."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import HK
from ..errors import NotFound
from ..exhibitors.models import Application, ApplicationStatus
from ..extensions import db
from ..form_actions import commit_or_flash
from ..safe_redirects import safe_next
from ..forums.services import get_forum
from ..permissions import can, public, requires
from . import bookings, outputs
from .forms import BoothSlotsForm
from .models import BoothBooking

bp = Blueprint("agenda_personal", __name__)

# Other features add their own items (e.g. confirmed meetings) to "My agenda" and the private feed:
# callables (user, forum) -> feed item dicts, registered by the feature's init_app.
EXTRA_ITEMS: list = []


def add_personal_items(source) -> None:
    if source not in EXTRA_ITEMS:
        EXTRA_ITEMS.append(source)


def _personal_items(user, forum) -> list[dict]:
    items = bookings.personal_items(user, forum) + [i for source in EXTRA_ITEMS for i in source(user, forum)]
    return sorted(items, key=lambda i: i["starts_at"])


def _own_application(forum):
    if current_user.company_id is None:
        return None
    return db.session.scalar(sa.select(Application).where(
        Application.forum_id == forum.id, Application.company_id == current_user.company_id,
        Application.status == ApplicationStatus.approved))


@bp.route("/forums/<forum>/booth-demos")
@requires("agenda.my")
def booth_demos(forum):
    target = get_forum(forum)
    mine = {b.slot_id: b for b in bookings.my_bookings(current_user, target)}
    application = _own_application(target)
    return render_template("agenda/booth_demos.html", forum=target, slots=bookings.booth_slots(target), mine=mine,
                           application=application, form=BoothSlotsForm() if application else None,
                           may_book=can(current_user, "agenda.book"))


@bp.route("/forums/<forum>/booth-demos/open", methods=["POST"])
@requires("agenda.booth_manage")
def open_booth_slots(forum):
    target = get_forum(forum)
    application = _own_application(target)
    form = BoothSlotsForm()
    if application is None:
        raise NotFound()
    if form.validate_on_submit():
        start = form.starts_at.data.replace(tzinfo=HK)
        commit_or_flash(lambda: bookings.open_booth_slots(current_user, application, start, form.minutes.data,
                                                          form.capacity.data, form.count.data),
                        _("Booth demos opened."))
    else:
        flash(_("Give a start, minutes, places and a number of demos."), "error")
    return redirect(url_for("agenda_personal.booth_demos", forum=target.slug))


@bp.route("/forums/<forum>/booth-demos/<int:slot_id>/book", methods=["POST"])
@requires("agenda.book")
def book(forum, slot_id):
    target = get_forum(forum)
    slot = bookings.get_slot(target, slot_id)
    commit_or_flash(lambda: bookings.book(current_user, slot), _("Booked. It is in your agenda."))
    return redirect(request.form.get("next") == "mine" and url_for("agenda_personal.my_agenda", forum=target.slug)
                    or safe_next(request.form.get("next"), url_for("agenda_personal.booth_demos", forum=target.slug)))


@bp.route("/forums/<forum>/booth-demos/bookings/<int:booking_id>/cancel", methods=["POST"])
@requires("agenda.my")
def cancel_booking(forum, booking_id):
    target = get_forum(forum)
    booking = db.session.get(BoothBooking, booking_id)
    if booking is None or booking.slot.forum_id != target.id:
        raise NotFound()
    commit_or_flash(lambda: bookings.cancel_booking(current_user, booking), _("Booking cancelled."))
    return redirect(safe_next(request.form.get("next"), url_for("agenda_personal.my_agenda", forum=target.slug)))


@bp.app_template_global()
def booth_demos_of(application):
    """For the exhibitor's page: (its booth demos not yet over, {slot_id: the reader's booking id}, may book)."""
    slots = bookings.slots_of(application)
    return slots, bookings.my_bookings_of(current_user, [s.id for s in slots]), can(current_user, "agenda.book")


@bp.route("/forums/<forum>/agenda/sessions/<int:session_id>/star", methods=["POST"])
@requires("agenda.my")
def star(forum, session_id):
    target = get_forum(forum)
    commit_or_flash(lambda: bookings.toggle_star(current_user, target, session_id))
    return redirect(url_for("agenda_public.agenda", forum=target.slug))


@bp.route("/forums/<forum>/my-agenda", methods=["GET", "POST"])
@requires("agenda.my")
def my_agenda(forum):
    target = get_forum(forum)
    feed_url = None
    if request.method == "POST":
        token = bookings.new_feed_token(current_user)
        db.session.commit()
        feed_url = url_for("agenda_personal.feed", token=token, forum=target.slug, _external=True)
    return render_template("agenda/my_agenda.html", forum=target, items=_personal_items(current_user, target),
                           bookings=bookings.my_bookings(current_user, target), feed_url=feed_url)


@bp.route("/agenda/feed/<token>/<forum>.ics")
@public
def feed(token, forum):
    target = get_forum(forum)
    user = bookings.user_for_feed(token)
    body = outputs.ics(target, _personal_items(user, target), name=f"{target.title_en or target.slug}",
                       uid_prefix="mine")
    return Response(body, mimetype="text/calendar")


@bp.route("/my-agenda")
@requires("agenda.my")
def my_agenda_home():
    from ..forums.services import current_forum

    target = current_forum()
    if target is None:
        raise NotFound()
    return redirect(url_for("agenda_personal.my_agenda", forum=target.slug))


