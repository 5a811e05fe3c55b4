"""Data-lab pages for applicants and team members: apply, follow, undertake, book, pass, outputs."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..db import utcnow
from ..errors import DomainError
from ..extensions import db
from .. import form_actions
from ..form_actions import commit_or_flash
from ..i18n import current_locale
from ..permissions import can, public, requires
from ..qr import qr_png
from . import applications, bookings, door, links, outputs, partners, reports, review, waitlist
from .forms import (LABELS, UNDERTAKING, ApplicationForm, AttachmentForm, BookingForm, OutputRequestForm,
                    ProfileForm, TeamMemberForm)
from .lab import get_lab
from .models import LabApplication
from .permissions import committee_ids_of, is_lab_staff
from .sentences import sentence

bp = Blueprint("datalab", __name__, url_prefix="/datalab")


def _render(template: str, **context):
    return render_template(template, labels=LABELS, sentence=sentence, **context)


def _application(application_id: int) -> LabApplication:
    return applications.get_application(current_user, application_id)


@bp.route("/")
@requires("datalab.view")
def index():
    mine = partners.applications_of(current_user)
    return _render("datalab/index.html", lab=get_lab(), mine=mine, staff=is_lab_staff(current_user),
                   member=bool(committee_ids_of(current_user)), may_apply=partners.may_apply(current_user))


def _application_form(application=None) -> ApplicationForm:
    form = ApplicationForm(obj=application) if application else ApplicationForm()
    company_id = links.company_of(application) if application else links.company_for(current_user)
    form.solution_id.choices = [(0, "—")] + [(s.id, s.title_en or s.title_zh) for s in links.solutions_of(company_id)]
    form.pilot_id.choices = [(0, "—")] + [(p.id, p.title) for p in links.pilots_of(company_id)]
    form.meeting_id.choices = [(0, "—")] + [(m.id, f"{m.subject} ({m.starts_at.date().isoformat()})" if m.starts_at
                                             else m.subject) for m in links.meetings_of(company_id)]
    if application is not None and request.method == "GET":
        form.ethics_status.data = application.ethics_status.value
        for name in links.LINK_FIELDS:
            form[name].data = getattr(application, name) or 0
    return form


@bp.route("/applications/new", methods=["GET", "POST"])
@requires("datalab.apply")
def new_application():
    form = _application_form()
    done = form_actions.submit(form, lambda: applications.create_draft(current_user, form.values()),
                               success=_("The draft is saved. Add your team and attachments, then submit."),
                               to=lambda application: url_for("datalab.application", application_id=application.id))
    return done or _render("datalab/form.html", form=form, application=None)


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@requires("datalab.apply")
def edit_application(application_id: int):
    application = _application(application_id)
    form = _application_form(application)
    done = form_actions.submit(form, lambda: applications.update(current_user, application, form.values()),
                               success=_("The application is saved."),
                               to=url_for("datalab.application", application_id=application.id))
    return done or _render("datalab/form.html", form=form, application=application)


@bp.route("/applications/<int:application_id>")
@requires("datalab.view")
def application(application_id: int):
    application = _application(application_id)
    today = applications.today_hk(utcnow())
    return _render("datalab/application.html", application=application, history=applications.history(application),
                   undertaking_wording=UNDERTAKING,
                   reviews=review.reviews_of(application), differences=applications.differences(application),
                   profiles=applications.profiles_for(application), team_form=TeamMemberForm(),
                   attachment_form=AttachmentForm(), booking_closed=bookings.booking_open(application, today),
                   days_left=bookings.days_left(application), live=bookings.live_bookings(application),
                   outputs=outputs.requests_of(application), sections=applications.SECTIONS,
                   own=can(current_user, "datalab.apply", application),
                   expired=bool(application.pass_until and today > application.pass_until),
                   member=next((m for m in application.team if m.user_id == current_user.id), None))


def _post(application_id: int, action, success: str):
    commit_or_flash(action, success)
    return redirect(url_for("datalab.application", application_id=application_id))


@bp.route("/applications/<int:application_id>/team", methods=["POST"])
@requires("datalab.apply")
def add_member(application_id: int):
    application = _application(application_id)
    form = TeamMemberForm()
    if not form.validate_on_submit():
        flash(_("Give a colleague's email address."), "error")
        return redirect(url_for("datalab.application", application_id=application_id))
    return _post(application_id, lambda: applications.add_team_member(current_user, application, form.email.data),
                 _("The colleague is on the team."))


@bp.route("/applications/<int:application_id>/team/<int:member_id>/remove", methods=["POST"])
@requires("datalab.apply")
def remove_member(application_id: int, member_id: int):
    application = _application(application_id)
    return _post(application_id, lambda: applications.remove_team_member(current_user, application, member_id),
                 _("The colleague is off the team."))


@bp.route("/applications/<int:application_id>/attachments", methods=["POST"])
@requires("datalab.apply")
def add_attachment(application_id: int):
    application = _application(application_id)
    form = AttachmentForm()
    upload = form.file.data if form.validate_on_submit() else None
    if upload is None or not getattr(upload, "filename", ""):
        flash(_("Choose a PDF file."), "error")
        return redirect(url_for("datalab.application", application_id=application_id))
    data = upload.read()
    return _post(application_id, lambda: applications.add_attachment(current_user, application, form.kind.data, data,
                                                                     upload.filename), _("The file is attached."))


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
@requires("datalab.view")
def attachment(application_id: int, attachment_id: int):
    row, data = applications.attachment(current_user, _application(application_id), attachment_id)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{row.kind}-{row.id}.pdf"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@requires("datalab.apply")
def submit(application_id: int):
    application = _application(application_id)
    try:
        applications.submit(current_user, application, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(" ".join([error.message] + [str(m) for m in error.fields.values()]), "error")
    else:
        db.session.commit()
        flash(_("Submitted: both committees review it now."), "success")
    return redirect(url_for("datalab.application", application_id=application_id))


@bp.route("/applications/<int:application_id>/amend", methods=["POST"])
@requires("datalab.apply")
def amend(application_id: int):
    application = _application(application_id)
    return _post(application_id, lambda: applications.start_amendment(current_user, application, now=utcnow()),
                 _("Change the application, then send it: both committees review the amendment."))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@requires("datalab.apply")
def withdraw(application_id: int):
    application = _application(application_id)
    return _post(application_id, lambda: applications.withdraw(current_user, application, now=utcnow()),
                 _("The application is withdrawn."))


@bp.route("/applications/<int:application_id>/copy", methods=["POST"])
@requires("datalab.apply")
def copy(application_id: int):
    source = _application(application_id)
    new = applications.copy_application(current_user, source)
    db.session.commit()
    flash(_("A new draft, filled in from the earlier application."), "success")
    return redirect(url_for("datalab.edit_application", application_id=new.id))


@bp.route("/applications/<int:application_id>/undertaking", methods=["POST"])
@requires("datalab.undertake")
def undertaking(application_id: int):
    application = _application(application_id)
    return _post(application_id,
                 lambda: applications.accept_undertaking(current_user, application, now=utcnow(),
                                                         wording=str(UNDERTAKING), locale=current_locale()),
                 _("Thank you: your undertaking is recorded."))


@bp.route("/profile", methods=["GET", "POST"])
@requires("datalab.apply")
def profile():
    record = applications.profile_of(current_user)
    form = ProfileForm(obj=record)
    done = form_actions.submit(form, lambda: applications.update_profile(current_user, {
        "training": form.training.data, "training_on": form.training_on.data,
        "prior_undertakings": form.prior_undertakings.data}),
        success=_("Your lab profile is saved."), to=url_for("datalab.index"))
    if done:
        return done
    db.session.commit()
    return _render("datalab/profile.html", form=form)


# --- booking --------------------------------------------------------------------------------------

@bp.route("/applications/<int:application_id>/book", methods=["GET", "POST"])
@requires("datalab.book")
def book(application_id: int):
    application = _application(application_id)
    bookings.ensure_booker(current_user, application)
    form = BookingForm()
    form.member.choices = [(m.user_id, m.user.display_name) for m in application.team]
    from .lab import workstations

    stations = workstations()
    form.workstation.choices = [(s.id, s.code) for s in stations]
    wait = request.form.get("action") == "wait"

    def take_seat():
        if wait:
            return waitlist.join(current_user, application, form.member.data, form.day.data, form.session.data,
                                 now=utcnow())
        return bookings.book(current_user, application, form.member.data, form.workstation.data, form.day.data,
                             form.session.data, now=utcnow())

    booked = _("On the waiting list: a released seat is held for you.") if wait else _("Booked.")
    done = form_actions.submit(form, take_seat, success=booked,
                               to=url_for("datalab.book", application_id=application.id))
    if done:
        return done
    today = applications.today_hk(utcnow())
    start = max(today, application.pass_from or today)
    grid = bookings.seat_grid(start, start + timedelta(days=20))
    return _render("datalab/book.html", application=application, form=form, grid=grid,
                   closed=bookings.booking_open(application, today), days_left=bookings.days_left(application),
                   live=bookings.live_bookings(application), waiting=waitlist.entries_of(application))


@bp.route("/bookings/<int:booking_id>/confirm", methods=["POST"])
@requires("datalab.book")
def confirm_booking(booking_id: int):
    booking = bookings.get_booking(booking_id)
    commit_or_flash(lambda: waitlist.confirm(current_user, booking, now=utcnow()), _("The seat is yours."))
    return redirect(url_for("datalab.book", application_id=booking.application_id))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@requires("datalab.book")
def cancel_booking(booking_id: int):
    booking = bookings.get_booking(booking_id)
    commit_or_flash(lambda: bookings.cancel(current_user, booking, now=utcnow()),
                    _("The booking is cancelled; the seat is free."))
    return redirect(url_for("datalab.book", application_id=booking.application_id))


@bp.route("/applications/<int:application_id>/pass")
@requires("datalab.undertake")
def lab_pass(application_id: int):
    application = _application(application_id)
    member = next((m for m in application.team if m.user_id == current_user.id), None)
    if member is None or application.status.value != "approved":
        flash(_("There is no lab pass for you on this application."), "error")
        return redirect(url_for("datalab.application", application_id=application_id))
    door.pass_code(member)
    db.session.commit()
    mine = [b for b in bookings.live_bookings(application) if b.user_id == current_user.id]
    return _render("datalab/pass.html", application=application, bookings=mine)


@bp.route("/applications/<int:application_id>/pass.png")
@requires("datalab.undertake")
def lab_pass_png(application_id: int):
    application = _application(application_id)
    member = next((m for m in application.team if m.user_id == current_user.id and m.pass_key), None)
    if member is None:
        return Response(status=404)
    response = Response(qr_png(door.pass_code(member), box_size=8), mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- outputs --------------------------------------------------------------------------------------

@bp.route("/applications/<int:application_id>/outputs", methods=["GET", "POST"])
@requires("datalab.book")
def request_output(application_id: int):
    application = _application(application_id)
    form = OutputRequestForm()
    def send():
        files = [(f.read(), f.filename) for f in (form.files.data or []) if getattr(f, "filename", "")]
        return outputs.create_request(current_user, application, form.description.data, files, now=utcnow())

    done = form_actions.submit(form, send, success=_("The output request is with lab staff."),
                               to=url_for("datalab.application", application_id=application_id))
    return done or _render("datalab/output_form.html", application=application, form=form)


@bp.route("/outputs/files/<int:file_id>")
@requires("datalab.book")
def output_file(file_id: int):
    row, data = outputs.released_file(current_user, file_id)
    response = Response(data, mimetype=row.content_type)
    safe = "".join(c for c in row.original_name if c.isalnum() or c in "-_. ") or f"output-{row.id}"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/register")
@public
def register():
    return _render("datalab/register.html", projects=reports.public_register())
