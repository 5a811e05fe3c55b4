"""Shape checks for the data-lab pages; meaning is checked by the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..exhibitors.forms import MultiCheckboxField
from .applications import SECTIONS
from .lab import SESSION_LABELS

DOMAIN_LABELS = {
    "demographics": _l("Demographics"), "attendances": _l("Attendances"), "diagnoses": _l("Diagnoses"),
    "procedures": _l("Procedures"), "medication": _l("Medication"), "laboratory": _l("Laboratory results"),
    "radiology": _l("Radiology"),
}
ETHICS_LABELS = {"approved": _l("Approved"), "amending": _l("Amendment in progress"), "pending": _l("Applied for, pending"),
                 "not_required": _l("Not required")}
STATUS_LABELS = {"draft": _l("Draft"), "under_review": _l("Under review"),
                 "changes_requested": _l("Changes requested"), "approved": _l("Approved"),
                 "rejected": _l("Not approved"), "withdrawn": _l("Withdrawn")}
DECISION_CHOICES = [("approve", _l("Approve")), ("approve_with_conditions", _l("Approve with conditions")),
                    ("request_changes", _l("Request changes")), ("reject", _l("Reject"))]
REJECT_REASON_LABELS = {
    "small_cells": _l("Cells count fewer people than the threshold"), "record_level": _l("Record-level data"),
    "identifiable": _l("A person could be identified"), "outside_purpose": _l("Outside the approved purpose"),
    "other": _l("Other (see the comments)")}
LABELS = {"status": STATUS_LABELS, "domains": DOMAIN_LABELS, "ethics": ETHICS_LABELS, "sessions": SESSION_LABELS,
          "reject_reasons": REJECT_REASON_LABELS}
OUTPUT_VERDICTS = [("release", _l("Release")), ("return", _l("Return with comments")), ("reject", _l("Reject"))]

# The words beside "I accept the undertaking" (templates/datalab/application.html), recorded with each acceptance.
UNDERTAKING = _l("Data-use undertaking: I will not download, copy, print or photograph any data or screen in "
                 "the lab, and I will take results out only through an output request.")


class ApplicationForm(FlaskForm):
    title = StringField(_l("Project title"), validators=[Optional(), Length(max=200)])
    lay_summary = TextAreaField(_l("Lay summary"), validators=[Optional(), Length(max=4000)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=4000)])
    commercial_interest = TextAreaField(_l("Commercial interest"), validators=[Optional(), Length(max=2000)])
    data_domains = MultiCheckboxField(_l("Data domains needed"), choices=list(DOMAIN_LABELS.items()))
    ethics_status = SelectField(_l("Ethics approval"), choices=list(ETHICS_LABELS.items()))
    ethics_reference = StringField(_l("Ethics approval reference"), validators=[Optional(), Length(max=80)])
    preferred_dates = StringField(_l("Preferred dates"), validators=[Optional(), Length(max=300)])
    solution_id = SelectField(_l("Related solution"), coerce=int, validate_choice=False)
    pilot_id = SelectField(_l("Related pilot"), coerce=int, validate_choice=False)
    meeting_id = SelectField(_l("Related meeting"), coerce=int, validate_choice=False)

    def values(self) -> dict:
        return {name: self[name].data for name in ("title", "lay_summary", "purpose", "commercial_interest",
                                                   "data_domains", "ethics_status", "ethics_reference",
                                                   "preferred_dates", "solution_id", "pilot_id", "meeting_id")}


class TeamMemberForm(FlaskForm):
    email = EmailField(_l("Colleague's email"), validators=[DataRequired(), Email(), Length(max=254)])


class AttachmentForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("protocol", _l("Protocol")), ("ethics_approval", _l("Ethics approval"))])
    file = FileField(_l("PDF file"))


class ProfileForm(FlaskForm):
    training = StringField(_l("Training completed"), validators=[Optional(), Length(max=300)])
    training_on = DateField(_l("Training date"), validators=[Optional()])
    prior_undertakings = TextAreaField(_l("Earlier undertakings"), validators=[Optional(), Length(max=2000)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES)
    section = SelectField(_l("Section the notes are about"),
                          choices=[("", "—")] + [(k, v) for k, v in SECTIONS.items()], validate_choice=False)
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=4000)])


class ConflictForm(FlaskForm):
    reason = StringField(_l("Conflict of interest"), validators=[DataRequired(), Length(max=300)])


class BookingForm(FlaskForm):
    member = SelectField(_l("Team member"), coerce=int, validate_choice=False)
    workstation = SelectField(_l("Workstation"), coerce=int, validate_choice=False)
    day = DateField(_l("Day"), validators=[DataRequired()])
    session = SelectField(_l("Lab session"), choices=list(SESSION_LABELS.items()))


class BlackoutForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=120)])


class HolidaysForm(FlaskForm):
    file = FileField(_l("Holiday list (CSV with the columns date, name in English and name in Chinese)"))


class OutputRequestForm(FlaskForm):
    description = TextAreaField(_l("What each file shows"), validators=[DataRequired(), Length(max=4000)])
    files = MultipleFileField(_l("Files (CSV, text or PDF)"))


class OutputReviewForm(FlaskForm):
    verdict = SelectField(_l("Verdict"), choices=OUTPUT_VERDICTS)
    reason = SelectField(_l("Reason for rejecting"), choices=[("", "—")] + list(REJECT_REASON_LABELS.items()),
                         validate_choice=False)
    comments = TextAreaField(_l("Comments or reason"), validators=[Optional(), Length(max=4000)])


class LabSettingsForm(FlaskForm):
    pass_days = IntegerField(_l("Session-days per pass"), validators=[DataRequired()])
    window_days = IntegerField(_l("Days a pass lasts from approval"), validators=[DataRequired()])
    noshow_minutes = IntegerField(_l("Minutes after the start that make a no-show"), validators=[DataRequired()])
    cancel_hours = IntegerField(_l("Cancel up to this many hours before a session"), validators=[Optional()])
    hold_minutes = IntegerField(_l("Minutes a released seat is held for the waiting list"),
                                validators=[DataRequired()])
    disclosure_threshold = IntegerField(_l("Flag table cells counting fewer than"), validators=[DataRequired()])


class WorkstationForm(FlaskForm):
    code = StringField(_l("Workstation code"), validators=[DataRequired(), Length(max=20)])


KIND_LABELS = {"partner": _l("Partner of a park company"), "academic": _l("Academic institution")}


class PartnerInviteForm(FlaskForm):
    """Lab staff invite a partner or an academic researcher who has no company account."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=120)])
    organisation_en = StringField(_l("Organisation (English)"), validators=[Optional(), Length(max=200)])
    organisation_zh = StringField(_l("Organisation (Chinese)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    company_id = SelectField(_l("Park company they partner with"), coerce=lambda v: int(v) if v else None,
                             choices=[], validate_choice=False)

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("email", "name_en", "name_zh", "organisation_en", "organisation_zh", "kind", "company_id")}
