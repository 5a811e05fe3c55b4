"""Agenda forms: shape checks only; the services decide overlaps, hours and conflicts."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forums.forms import HK_FORMAT

KIND_LABELS = {
    "keynote": _l("Keynote"), "panel": _l("Panel"), "live_demo": _l("Live demo"), "workshop": _l("Workshop"),
    "break": _l("Break"), "networking": _l("Networking"), "booth_time": _l("Booth time"),
}


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), validators=[DataRequired()])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    title_zh = StringField(_l("Title in Chinese"), validators=[Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts (Hong Kong time)"), format=HK_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (Hong Kong time)"), format=HK_FORMAT, validators=[DataRequired()])
    room_id = SelectField(_l("Room"), choices=[], validators=[Optional()])
    expected_audience = IntegerField(_l("Expected audience"), validators=[Optional(), NumberRange(min=0)])
    speakers = TextAreaField(_l("Speakers, one a line: a guest's name or a user's e-mail"), validators=[Optional(), Length(max=2000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=4000)])
    description_zh = TextAreaField(_l("Description in Chinese"), validators=[Optional(), Length(max=4000)])


class RoomForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=120)])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0)])


class DemoSlotsForm(FlaskForm):
    room_id = SelectField(_l("Room"), choices=[], validators=[DataRequired()])
    starts_at = DateTimeLocalField(_l("First slot starts (Hong Kong time)"), format=HK_FORMAT,
                                   validators=[DataRequired()])
    minutes = IntegerField(_l("Minutes per slot"), default=15, validators=[DataRequired(), NumberRange(5, 120)])
    count = IntegerField(_l("Number of slots"), default=6, validators=[DataRequired(), NumberRange(1, 60)])


class PublishForm(FlaskForm):
    acknowledge = BooleanField(_l("I have read the warnings and publish anyway"))


class BoothSlotsForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("First demo starts (Hong Kong time)"), format=HK_FORMAT,
                                   validators=[DataRequired()])
    minutes = IntegerField(_l("Minutes per demo"), default=15, validators=[DataRequired(), NumberRange(5, 60)])
    capacity = IntegerField(_l("Places per demo"), default=6, validators=[DataRequired(), NumberRange(1, 50)])
    count = IntegerField(_l("Number of demos"), default=4, validators=[DataRequired(), NumberRange(1, 20)])
