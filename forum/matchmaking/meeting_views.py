"""Follow-up meeting pages: propose (from a recommendation, a bookmark, a lead or an exhibitor page),
my meetings, one meeting with its answers, the invitation file and the outcome."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..db import HK
from ..errors import DomainError, NotFound
from ..exhibitors.models import Company
from ..extensions import db
from ..form_actions import commit_or_flash, submit
from ..forums.services import visible_forum
from ..permissions import can, requires
from ..refs import parse_id
from . import meeting_outcomes, meeting_picker, meetings
from .forms import OUTCOME_LABELS, OtherTimeForm, OutcomeForm, ProposeMeetingForm
from .meeting_mail import meeting_ics
from .models import MeetingStatus

bp = Blueprint("meetings", __name__)

STATUS_LABELS = {"pending": _l("Waiting for answers"), "confirmed": _l("Confirmed"), "declined": _l("Declined"),
                 "expired": _l("Expired: not answered in time"), "cancelled": _l("Cancelled")}


PICKER_FIELDS = {"ha_user_ids": "ha_people", "options": "option_1"}


def _int(value) -> int | None:
    return parse_id(value) if isinstance(value, str) else None


@bp.route("/forums/<forum>/meetings/new", methods=["GET", "POST"])
@requires("meeting.propose")
def propose(forum):
    """Propose a meeting: the company and HA people are picked from server-made lists that the "Find"
    buttons narrow (the form comes back with everything typed kept); "Send" proposes it."""
    target = visible_forum(current_user, forum)
    form = ProposeMeetingForm()
    if request.method == "GET":
        form.company_id.data = request.args.get("company") or ""
        form.solution_id.data = request.args.get("solution") or ""
        form.ha_people.data = [request.args["person"]] if request.args.get("person") else []
    elif not form.company_id.data:  # a page opened for one company keeps it in its address
        form.company_id.data = request.args.get("company") or ""
    own = current_user.company_id if current_user.role == "exhibitor" else None
    if own:
        form.company_id.data = str(own)
    company_id = _int(form.company_id.data)
    companies = meeting_picker.companies(target, form.company_search.data, company_id)
    form.company_id.choices = ([] if company_id else [("", _("Choose the company"))]) + companies.options
    form.solution_id.choices = [("", "—")] + meeting_picker.solutions(company_id)
    chosen = [i for i in (_int(v) for v in form.ha_people.data or []) if i]
    people = meeting_picker.ha_people(target, current_user, form.people_search.data, chosen)
    form.ha_people.choices = people.options
    company = db.session.get(Company, company_id) if company_id else None

    def propose():
        span = timedelta(minutes=form.minutes.data)
        starts = [f.data.replace(tzinfo=HK) for f in (form.option_1, form.option_2, form.option_3) if f.data]
        try:
            return meetings.propose(
                current_user, target, company_id=company_id, ha_user_ids=chosen,
                solution_id=_int(form.solution_id.data), options=[(s, s + span) for s in starts],
                place=form.place.data, video_url=form.video_url.data, subject=form.subject.data,
                origin=request.args.get("origin") if request.args.get("origin") in meetings.ORIGINS else "exhibitor")
        except DomainError as error:
            # The service names its arguments; the page shows the refusal at the picker it concerns.
            error.fields = {PICKER_FIELDS.get(k, k): v for k, v in error.fields.items()}
            raise

    done = request.form.get("action") != "find" and submit(
        form, propose, to=lambda meeting: url_for("meetings.show", forum=target.slug, meeting_id=meeting.id))
    if done:
        return done
    return render_template("matchmaking/meeting_propose.html", forum=target, company=company, form=form,
                           own_company=own, companies=companies, people=people, chosen=set(map(str, chosen)),
                           found=request.form.get("action") == "find")


@bp.route("/forums/<forum>/meetings")
@requires("meeting.answer")
def mine(forum):
    target = visible_forum(current_user, forum)
    meetings.expire_overdue()
    db.session.commit()  # expiry on read, before loading (a commit would expire what the page shows)
    found = meetings.my_meetings(current_user, target)
    return render_template("matchmaking/meetings.html", forum=target, meetings=found, labels=STATUS_LABELS)


@bp.route("/meetings")
@requires("meeting.answer")
def mine_current():
    from ..forums.services import current_forum

    target = current_forum()
    if target is None:
        raise NotFound()
    return redirect(url_for("meetings.mine", forum=target.slug))


@bp.route("/forums/<forum>/meetings/<int:meeting_id>")
@requires("meeting.answer")
def show(forum, meeting_id, other=None, outcome_form=None, status=200):
    target = visible_forum(current_user, forum)
    meetings.expire_overdue()
    db.session.commit()  # expiry on read
    meeting = meetings.get_meeting(current_user, target, meeting_id)
    me = next((p for p in meeting.participants if p.user_id == current_user.id), None)
    return render_template(
        "matchmaking/meeting.html", forum=target, meeting=meeting, me=me, labels=STATUS_LABELS,
        people=meetings.people_shown(current_user, meeting), other=other or OtherTimeForm(formdata=None),
        outcome_form=outcome_form or OutcomeForm(formdata=None), outcome_labels=OUTCOME_LABELS,
        may_outcome=meeting.status == MeetingStatus.confirmed and me is not None and meeting.outcome is None,
        may_pilot=can(current_user, "pilot.edit")), status


@bp.route("/forums/<forum>/meetings/<int:meeting_id>/answer", methods=["POST"])
@requires("meeting.answer")
def answer(forum, meeting_id):
    target = visible_forum(current_user, forum)
    meeting = meetings.get_meeting(current_user, target, meeting_id)
    choice = request.form.get("choice", "")
    if choice == "other":
        other = OtherTimeForm()
        if not other.validate():
            return show(forum, meeting_id, other=other, status=400)
        start = other.starts_at.data.replace(tzinfo=HK)
        try:
            meetings.answer(current_user, meeting, other_time=(start, start + timedelta(minutes=other.minutes.data)))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(other, error)
            return show(forum, meeting_id, other=other, status=400)
        db.session.commit()
        return redirect(url_for("meetings.show", forum=target.slug, meeting_id=meeting_id))
    if choice == "decline":
        commit_or_flash(lambda: meetings.answer(current_user, meeting, decline=True), _("You declined."))
    else:
        option = parse_id(choice) or -1
        commit_or_flash(lambda: meetings.answer(current_user, meeting, accept=option), _("Your answer is saved."))
    return redirect(url_for("meetings.show", forum=target.slug, meeting_id=meeting_id))


@bp.route("/forums/<forum>/meetings/<int:meeting_id>/cancel", methods=["POST"])
@requires("meeting.answer")
def cancel(forum, meeting_id):
    target = visible_forum(current_user, forum)
    meeting = meetings.get_meeting(current_user, target, meeting_id)
    commit_or_flash(lambda: meetings.cancel(current_user, meeting), _("The meeting is cancelled."))
    return redirect(url_for("meetings.show", forum=target.slug, meeting_id=meeting_id))


@bp.route("/forums/<forum>/meetings/<int:meeting_id>/invite.ics")
@requires("meeting.answer")
def invitation(forum, meeting_id):
    target = visible_forum(current_user, forum)
    meeting = meetings.get_meeting(current_user, target, meeting_id)
    if meeting.status not in (MeetingStatus.confirmed, MeetingStatus.cancelled) or meeting.starts_at is None:
        raise NotFound()
    method = "CANCEL" if meeting.status == MeetingStatus.cancelled else "REQUEST"
    return Response(meeting_ics(meeting, method), mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename=meeting-{meeting.id}.ics"})


@bp.route("/forums/<forum>/meetings/<int:meeting_id>/outcome", methods=["POST"])
@requires("meeting.answer")
def outcome(forum, meeting_id):
    target = visible_forum(current_user, forum)
    meeting = meetings.get_meeting(current_user, target, meeting_id)
    form = OutcomeForm()
    if not form.validate():
        return show(forum, meeting_id, outcome_form=form, status=400)
    try:
        meeting_outcomes.record_outcome(current_user, meeting, kind=form.kind.data, next_step=form.next_step.data)
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return show(forum, meeting_id, outcome_form=form, status=400)
    db.session.commit()
    if form.kind.data == "pilot" and can(current_user, "pilot.edit"):
        return redirect(url_for("pilots.create", **meeting_outcomes.pilot_prefill(meeting)))
    return redirect(url_for("meetings.show", forum=target.slug, meeting_id=meeting_id))


@bp.route("/forums/<forum>/meetings/<int:meeting_id>/pilot")
@requires("pilot.edit")
def to_pilot(forum, meeting_id):
    """The prefilled pilot form for a meeting whose outcome is "propose a pilot"."""
    target = visible_forum(current_user, forum)
    meeting = meetings.get_meeting(current_user, target, meeting_id)
    return redirect(url_for("pilots.create", **meeting_outcomes.pilot_prefill(meeting)))


def agenda_items(user, forum) -> list[dict]:
    """Confirmed meetings as "My agenda" and feed items."""
    out = []
    for m in meetings.confirmed_for(user, forum):
        place = m.place or m.video_url
        out.append({"id": f"meeting{m.id}", "kind": "meeting", "title_en": f"Meeting: {m.company.name_en}",
                    "title_zh": f"會面：{m.company.name_zh or m.company.name_en}",
                    "starts_at": m.starts_at.isoformat(), "ends_at": m.ends_at.isoformat(),
                    "room": {"id": 0, "name_en": place, "name_zh": place}, "exhibitor": None, "speakers": []})
    return out
