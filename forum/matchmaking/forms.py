from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forums.forms import HK_FORMAT

INTEREST_CHOICES = [("curious", _l("Curious")), ("follow_up", _l("Want a follow-up")),
                    ("pilot", _l("Want to pilot"))]


class BookmarkForm(FlaskForm):
    interest = SelectField(_l("Interest"), choices=INTEREST_CHOICES, default="curious")
    note = TextAreaField(_l("Note: the need it could meet"), validators=[Optional(), Length(max=2000)])
    # Choices are the reference sites, set by the view; the service checks the id.
    site_id = SelectField(_l("Candidate hospital, clinic or lab"), choices=[], validate_choice=False)


class ProposeMeetingForm(FlaskForm):
    # The lists are narrowed by the searches (forum/matchmaking/meeting_picker.py); the service checks ids.
    company_search = StringField(_l("Find a company (English or Chinese name)"),
                                 validators=[Optional(), Length(max=80)])
    company_id = SelectField(_l("Company"), choices=[], validators=[Optional()], validate_choice=False)
    solution_id = SelectField(_l("About the solution"), choices=[], validators=[Optional()], validate_choice=False)
    people_search = StringField(_l("Find HA people (name or department)"), validators=[Optional(), Length(max=80)])
    ha_people = SelectMultipleField(_l("HA people"), choices=[], validators=[Optional()], validate_choice=False)
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=200)])
    option_1 = DateTimeLocalField(_l("First time (Hong Kong time)"), format=HK_FORMAT, validators=[DataRequired()])
    option_2 = DateTimeLocalField(_l("Second time"), format=HK_FORMAT, validators=[DataRequired()])
    option_3 = DateTimeLocalField(_l("Third time (optional)"), format=HK_FORMAT, validators=[Optional()])
    minutes = IntegerField(_l("Minutes"), default=45, validators=[DataRequired(), NumberRange(min=10, max=480)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    video_url = StringField(_l("Video link"), validators=[Optional(), Length(max=500)])


class OtherTimeForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Another time (Hong Kong time)"), format=HK_FORMAT, validators=[DataRequired()])
    minutes = IntegerField(_l("Minutes"), default=45, validators=[DataRequired(), NumberRange(min=10, max=480)])


OUTCOME_LABELS = {"no_show": _l("Did not take place"), "informative": _l("Informative"),
                  "follow_up": _l("Follow-up wanted"), "pilot": _l("Propose a pilot")}


class OutcomeForm(FlaskForm):
    kind = SelectField(_l("Outcome"), choices=list(OUTCOME_LABELS.items()), validators=[DataRequired()])
    next_step = TextAreaField(_l("Next step"), validators=[Optional(), Length(max=2000)])
