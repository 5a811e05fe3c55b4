from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


STATUS_LABELS = {
    "invited": _l("Invited"),
    "registered": _l("Registered"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
    "checked_in": _l("Checked in"),
}
KIND_LABELS = {
    "ha": _l("HA"),
    "exhibitor": _l("Exhibitor"),
    "organiser": _l("Organiser"),
    "speaker": _l("Speaker"),
    "guest": _l("Guest"),
}
PDPO_PURPOSE = _l(
    "Share my name, title, hospital and email with the exhibitors whose solutions I bookmark, so that they "
    "can follow up with me about those solutions. I can withdraw this consent at any time on this page.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ImportForm(FlaskForm):
    file = FileField(_l("Invitation list (CSV or Excel .xlsx)"), validators=[FileRequired()])


class ConfirmImportForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired()])
    only_valid = BooleanField(_l("Import only the valid rows"))


class AttendeeForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=160)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=160)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[lambda v: v.strip() if isinstance(v, str) else v])
    title = StringField(_l("Rank or title"), validators=[Optional(), Length(max=160)])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=160)])
    site_id = SelectField(_l("Hospital or HA office"), choices=[], validate_choice=False)
    organisation = StringField(_l("Organisation (if not an HA site)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Badge"), choices=list(KIND_LABELS.items()), default="ha")
    walk_in = BooleanField(_l("Walk-in: register now and issue a ticket"))
    invite = BooleanField(_l("Send the invitation email now"), default=True)


class RegistrationForm(FlaskForm):
    # Unknown keys are dropped by the service rather than refused (an old form after the list changes).
    themes = MultiCheckboxField(_l("Smart Hospital themes you care about"), choices=[],
                                validate_choice=False)
    access_needs = TextAreaField(_l("Access needs"), validators=[Optional(), Length(max=2000)])
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Optional(), Length(max=2000)])
    share_contact = BooleanField(PDPO_PURPOSE, default=False)
