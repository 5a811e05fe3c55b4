"""Shapes of the template editor, the announcement form and the wallet settings; meaning is checked in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..refs import parse_id


def _optional_int(value):
    return parse_id(value) if value not in (None, "", "None") else None


class TextsMixin:
    subject_en = StringField(_l("Subject in English"), validators=[Optional(), Length(max=200)])
    subject_zh = StringField(_l("Subject in Chinese"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(_l("Message in English"), validators=[Optional(), Length(max=20000)])
    body_zh = TextAreaField(_l("Message in Chinese"), validators=[Optional(), Length(max=20000)])


class TemplateForm(TextsMixin, FlaskForm):
    person = SelectField(_l("Preview on"), coerce=_optional_int, validate_choice=False)


class AnnouncementForm(TextsMixin, FlaskForm):
    group = SelectField(_l("Send to"), validators=[DataRequired()])
    company_id = SelectField(_l("Company"), coerce=_optional_int, validate_choice=False)
    booth_slot_id = SelectField(_l("Booth demo"), coerce=_optional_int, validate_choice=False)


class WalletForm(FlaskForm):
    pass_type_id = StringField(_l("Pass type identifier"), validators=[DataRequired(), Length(max=120)])
    team_id = StringField(_l("Team identifier"), validators=[DataRequired(), Length(max=20)])
    organisation = StringField(_l("Organisation shown on the pass"), validators=[Optional(), Length(max=120)])
    certificate = FileField(_l("Pass certificate (.p12)"), validators=[FileRequired()])
    password = PasswordField(_l("Password of the .p12 file"), validators=[Optional(), Length(max=200)])
    wwdr = FileField(_l("Apple WWDR certificate (.cer or .pem)"), validators=[FileRequired()])
