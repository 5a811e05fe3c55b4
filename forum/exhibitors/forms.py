from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, EmailField, Form, FieldList, FormField, IntegerField, PasswordField,
                     SelectField, SelectMultipleField, StringField, TextAreaField, widgets)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from .models import SECTORS

SECTOR_LABELS = {
    "biomedical": _l("Biomedical technology"),
    "ai_robotics": _l("AI and robotics"),
    "smart_city": _l("Smart city"),
    "fintech_healthtech": _l("Fintech and healthtech"),
    "materials": _l("Materials and precision engineering"),
    "digital_health": _l("Digital health"),
    "other": _l("Other"),
}
assert set(SECTOR_LABELS) == set(SECTORS)

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "waitlisted": _l("Waitlisted"),
    "rejected": _l("Not accepted"),
}

TRL_CHOICES = [(str(n), str(n)) for n in range(1, 10)]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CompanyForm(FlaskForm):
    name_en = StringField(_l("Company name in English"), validators=[Optional(), Length(max=200)])
    name_zh = StringField(_l("Company name in Chinese"), validators=[Optional(), Length(max=200)])
    programme_ref = StringField(_l("HKSTP programme or tenancy reference"), validators=[Optional(), Length(max=80)])
    sector = SelectField(_l("Sector"), choices=list(SECTOR_LABELS.items()))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    description_en = TextAreaField(_l("Short description in English"), validators=[Optional(), Length(max=2000)])
    description_zh = TextAreaField(_l("Short description in Chinese"), validators=[Optional(), Length(max=2000)])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=160)])
    contact_email = EmailField(_l("Contact email"), validators=[DataRequired(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    logo = FileField(_l("Logo (PNG, JPEG or WebP, up to 5 MB)"))


class SignUpForm(CompanyForm):
    contact_name_zh = StringField(_l("Your name in Chinese"), validators=[Optional(), Length(max=120)])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(min=10, max=200)])


class InviteColleagueForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=120)])


class SolutionForm(FlaskForm):
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    title_zh = StringField(_l("Title in Chinese"), validators=[Optional(), Length(max=200)])
    summary_en = TextAreaField(_l("Summary in English"), validators=[Optional(), Length(max=3000)])
    summary_zh = TextAreaField(_l("Summary in Chinese"), validators=[Optional(), Length(max=3000)])
    problem = TextAreaField(_l("The problem it solves for hospitals"), validators=[Optional(), Length(max=3000)])
    target_users = StringField(_l("Target users"), validators=[Optional(), Length(max=300)])
    departments = StringField(_l("Target departments"), validators=[Optional(), Length(max=300)])
    theme_ids = MultiCheckboxField(_l("Smart Hospital themes"), coerce=int, choices=[])
    trl = SelectField(_l("Maturity (technology readiness level 1-9)"), choices=TRL_CHOICES, default="5")
    regulatory_status = StringField(_l("Regulatory status"), validators=[Optional(), Length(max=200)])
    deployments = TextAreaField(_l("Existing deployments"), validators=[Optional(), Length(max=3000)])
    image = FileField(_l("Add an image (PNG, JPEG or WebP, up to 5 MB)"))
    brochure = FileField(_l("Brochure (PDF, up to 20 MB)"))


class StaffEntry(Form):
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=160)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=160)])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=160)])


class ApplicationForm(FlaskForm):
    solution_ids = MultiCheckboxField(_l("Solutions you will show"), coerce=int, choices=[])
    needs_power = BooleanField(_l("Power socket"))
    needs_screen = BooleanField(_l("Screen"))
    needs_table = BooleanField(_l("Table"))
    booth_notes = TextAreaField(_l("Other booth needs"), validators=[Optional(), Length(max=2000)])
    staff = FieldList(FormField(StaffEntry), min_entries=0, max_entries=50)
    demo_requested = BooleanField(_l("Request a stage demo"))
    demo_solution_id = SelectField(_l("Solution to demonstrate"), coerce=int, choices=[])
    demo_presenter = StringField(_l("Presenter"), validators=[Optional(), Length(max=160)])
    demo_minutes = IntegerField(_l("Length in minutes"), default=10, validators=[Optional(), NumberRange(5, 30)])
    demo_av = StringField(_l("Audio-visual needs"), validators=[Optional(), Length(max=300)])
    demo_windows = StringField(_l("Times the presenter can do (e.g. 09:30-10:30, 11:00-12:00)"),
                               validators=[Optional(), Length(max=300)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("waitlist", _l("Waitlist")),
                                                    ("reject", _l("Decline"))])
    reason = TextAreaField(_l("Reason (sent to the company)"), validators=[Optional(), Length(max=2000)])


class DemoScoreForm(FlaskForm):
    score = SelectField(_l("Score"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class ThemeForm(FlaskForm):
    name_en = StringField(_l("Theme in English"), validators=[DataRequired(), Length(max=120)])
    name_zh = StringField(_l("Theme in Chinese"), validators=[DataRequired(), Length(max=120)])
    active = BooleanField(_l("In use"), default=True)
