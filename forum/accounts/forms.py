from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..permissions import ROLES


def strip(value):
    return value.strip() if isinstance(value, str) else value


ROLE_LABELS = {
    "admin": _l("Administrator"),
    "organiser": _l("Organiser (HKSTP)"),
    "scanner": _l("Door scanner"),
    "exhibitor": _l("Exhibitor (park company)"),
    "ha_staff": _l("HA staff"),
    "partnership": _l("Partnership team"),
    "researcher": _l("Data lab partner or researcher"),
}
# Researchers are invited from the data lab's staff pages, which also record their organisation.
INVITABLE_ROLES = tuple(r for r in ROLES if r != "researcher")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


class AcceptInvitationForm(SetPasswordForm):
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=120)])


class ProfileForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=[("en", "English"), ("zh_Hant_HK", "繁體中文")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


class TokenForm(FlaskForm):
    label = StringField(_l("What the token is for"), validators=[Optional(), Length(max=80)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[(r, ROLE_LABELS[r]) for r in INVITABLE_ROLES])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=120)])
    company_id = SelectField(_l("Company (for exhibitors)"), coerce=lambda v: int(v) if v else None,
                             choices=[], validate_choice=False)


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class UserAdminForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    active = BooleanField(_l("Active"))
