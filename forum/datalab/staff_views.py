"""Data-lab pages for lab staff and committee members: queue, reviews, door, settings, outputs, reports."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from ..form_actions import commit_or_flash, show_domain_error, submit
from ..permissions import ensure, requires
from . import applications, bookings, door, lab, outputs, partners, reports, review, waitlist
from .forms import (DECISION_CHOICES, LABELS, STATUS_LABELS, BlackoutForm, ConflictForm, DecisionForm, HolidaysForm,
                    KIND_LABELS, LabSettingsForm, OutputReviewForm, PartnerInviteForm, WorkstationForm)
from .sentences import sentence

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("datalab_staff", __name__, url_prefix="/datalab/staff")


def _staff():
    ensure(current_user, "datalab.staff", lab.get_lab())


@bp.route("/queue")
@requires("datalab.staff")
def queue():
    rows = review.queue(current_user)
    return render_template("datalab/queue.html", rows=rows, turnaround=review.turnaround(),
                           outputs=outputs.waiting_requests(current_user), status_labels=STATUS_LABELS,
                           target=review.TARGET_WORKING_DAYS)


@bp.route("/reviews")
@requires("datalab.review")
def reviews():
    return render_template("datalab/reviews.html", reviews=review.for_committee_member(current_user))


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
@requires("datalab.review")
def decide(review_id: int):
    item = review.get_review(review_id)
    ensure(current_user, "datalab.review", item)
    application = applications.get_application(current_user, item.application_id)
    form = DecisionForm()
    done = submit(form, lambda: review.decide(current_user, item, form.decision.data, form.comments.data,
                                              form.section.data or "", now=utcnow()),
                  success=_("The committee's decision is recorded."), to=url_for("datalab_staff.reviews"))
    return done or render_template("datalab/decide.html", review=item, application=application, form=form,
                           differences=applications.differences(application),
                           profiles=applications.profiles_for(application),
                           no_shows=review.no_show_history(application), conflict_form=ConflictForm(),
                           decisions=dict(DECISION_CHOICES), sections=applications.SECTIONS,
                           all_reviews=review.reviews_of(application), labels=LABELS)


@bp.route("/applications/<int:application_id>/conflict", methods=["POST"])
@requires("datalab.review")
def conflict(application_id: int):
    application = applications.get_application(current_user, application_id)
    form = ConflictForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: review.declare_conflict(current_user, application, form.reason.data),
                        _("Your conflict is recorded; this application leaves your list."))
    else:
        flash(_("Say briefly what the conflict is."), "error")
    return redirect(url_for("datalab_staff.reviews"))


@bp.route("/door", methods=["GET", "POST"], endpoint="door")
@requires("datalab.staff")
def door_point():
    """The lab door is the lab's check-in point: its scanner is the forum door's (checkin.point_scan).
    Lab staff set the point up here once; afterwards this address leads to its scanner."""
    _staff()
    if request.method == "POST":
        commit_or_flash(lambda: door.open_door_point(current_user), _("The lab door's check-in point is set up."))
    point = door.door_point()
    if point is not None:
        return redirect(url_for("checkin.point_scan", point_id=point.id))
    return render_template("datalab/door.html")


def _settings_post(form, action, success: str) -> bool:
    """One settings form posted: call its service, commit, or keep what was typed with the refusal."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return False
    db.session.commit()
    flash(success, "success")
    return True


@bp.route("/settings", methods=["GET", "POST"])
@requires("datalab.staff")
def settings():
    _staff()
    the_lab = lab.get_lab()
    blackout, holidays = BlackoutForm(prefix="blackout"), HolidaysForm(prefix="holidays")
    rules = LabSettingsForm(prefix="rules", obj=the_lab)
    station = WorkstationForm(prefix="station")
    posted = request.form.get("form") if request.method == "POST" else None
    done = False
    if posted == "blackout" and blackout.validate_on_submit():
        done = _settings_post(blackout, lambda: lab.set_blackout(current_user, blackout.day.data, blackout.reason.data),
                              _("The lab is closed that day."))
    elif posted == "holidays" and holidays.validate_on_submit():
        upload = holidays.file.data
        text = upload.read().decode("utf-8-sig", errors="replace") if upload else ""
        done = _settings_post(holidays, lambda: lab.load_holidays(text, actor=current_user),
                              _("The holiday list is updated."))
    elif posted == "rules" and rules.validate_on_submit():
        values = {name: rules[name].data if rules[name].data is not None else 0 for name in lab.SETTINGS}
        done = _settings_post(rules, lambda: lab.update_settings(current_user, values), _("The lab's rules are saved."))
    elif posted == "station" and station.validate_on_submit():
        done = _settings_post(station, lambda: lab.add_workstation(current_user, station.code.data),
                              _("The workstation is added."))
    if done:
        return redirect(url_for("datalab_staff.settings"))
    today = applications.today_hk(utcnow())
    closed = lab.closed_days(today, today.replace(year=today.year + 1))
    return render_template("datalab/settings.html", blackout=blackout, holidays=holidays, rules=rules,
                           station=station, closed=sorted(closed.values(), key=lambda d: d.day),
                           stations=lab.workstations(active_only=False), the_lab=the_lab)


@bp.route("/applications/<int:application_id>/publish", methods=["POST"])
@requires("datalab.staff")
def publish(application_id: int):
    application = applications.get_application(current_user, application_id)
    commit_or_flash(lambda: reports.set_published(current_user, application, application.published_at is None,
                                                      now=utcnow()),
                    _("The public register is updated."))
    return redirect(url_for("datalab.application", application_id=application_id))


@bp.route("/no-shows", methods=["POST"])
@requires("datalab.staff")
def no_shows():
    _staff()
    found = bookings.mark_no_shows(current_user, now=utcnow())
    waitlist.expire_holds(current_user, now=utcnow())
    db.session.commit()
    flash(_("%(n)d no-shows recorded.", n=len(found)), "info")
    return redirect(url_for("datalab_staff.queue"))


@bp.route("/outputs/<int:request_id>", methods=["GET", "POST"])
@requires("datalab.staff")
def output(request_id: int):
    _staff()
    item = outputs.get_request(request_id)
    form = OutputReviewForm()
    done = submit(form, lambda: outputs.review_output(current_user, item, form.verdict.data, form.comments.data,
                                                      reason=form.reason.data or "", now=utcnow()),
                  success=_("Your review is recorded."), to=url_for("datalab_staff.queue"))
    return done or render_template("datalab/output_review.html", item=item, form=form, labels=LABELS)


@bp.route("/audit")
@requires("datalab.staff")
def audit():
    action = request.args.get("action", "")
    application_id = request.args.get("application", type=int)
    events = reports.audit_events(current_user, action=action, application_id=application_id)
    if request.args.get("format") == "csv":
        return Response(reports.audit_csv(events, sentence), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="datalab-audit.csv"'})
    if request.args.get("format") == "xlsx":
        return Response(reports.audit_xlsx(events, sentence), mimetype=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="datalab-audit.xlsx"'})
    from .sentences import SENTENCES, STEPS

    return render_template("datalab/audit.html", events=events, sentence=sentence, actions=sorted(SENTENCES),
                           steps=STEPS,
                           action=action, application_id=application_id)


@bp.route("/reports")
@requires("datalab.staff")
def report():
    data = reports.summary(current_user)
    wanted = request.args.get("format")
    if wanted == "csv":
        return Response(reports.report_csv(data), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="datalab-report.csv"'})
    if wanted == "xlsx":
        return Response(reports.report_xlsx(data), mimetype=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="datalab-report.xlsx"'})
    return render_template("datalab/reports.html", data=data, status_labels=STATUS_LABELS,
                           target=review.TARGET_WORKING_DAYS)


@bp.route("/partners", methods=["GET", "POST"])
@requires("datalab.invite")
def partners_page():
    """Invite a partner of a park company or an academic researcher, and see who has signed up."""
    ensure(current_user, "datalab.invite", lab.get_lab())
    from ..exhibitors.models import Company

    form = PartnerInviteForm()
    companies = db.session.scalars(db.select(Company).order_by(Company.name_en)).all()
    form.company_id.choices = [("", "—")] + [(c.id, c.display_name) for c in companies]
    link = None
    if form.validate_on_submit():
        try:
            invitation = partners.invite(current_user, **form.values())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if invitation is None:  # an existing account: it has the standing now, nothing to open
                flash(_("%(email)s already has an account: it may now use the lab for the organisation.",
                        email=form.email.data), "success")
            else:
                link = invitation.link
                flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            choices, form = form.company_id.choices, PartnerInviteForm(formdata=None)  # empty for the next one
            form.company_id.choices = choices
    return render_template("datalab/partners.html", form=form, invited=partners.invited(current_user),
                           kind_labels=KIND_LABELS, link=link)
