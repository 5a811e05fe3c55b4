from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from .models import ForumStatus

STATUS_LABELS = {
    ForumStatus.draft.value: _l("Draft"),
    ForumStatus.open_for_exhibitors.value: _l("Open for exhibitors"),
    ForumStatus.open_for_registration.value: _l("Open for registration"),
    ForumStatus.live.value: _l("Live"),
    ForumStatus.closed.value: _l("Closed"),
}

HK_FORMAT = "%Y-%m-%dT%H:%M"


class ForumForm(FlaskForm):
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    title_zh = StringField(_l("Title in Chinese"), validators=[Optional(), Length(max=200)])
    slug = StringField(_l("Short name in links"), validators=[
        Optional(), Length(max=80),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and dashes."))])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=5000)])
    description_zh = TextAreaField(_l("Description in Chinese"), validators=[Optional(), Length(max=5000)])
    venue_en = StringField(_l("Venue in English"), validators=[Optional(), Length(max=200)])
    venue_zh = StringField(_l("Venue in Chinese"), validators=[Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts (Hong Kong time)"), format=HK_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (Hong Kong time)"), format=HK_FORMAT, validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()))
    attendee_capacity = IntegerField(_l("Attendee capacity"), default=250,
                                     validators=[DataRequired(), NumberRange(min=1, max=100000)])
    booth_capacity = IntegerField(_l("Booths"), default=30, validators=[DataRequired(), NumberRange(min=1, max=5000)])
    staff_per_booth = IntegerField(_l("Staff per booth"), default=3,
                                   validators=[DataRequired(), NumberRange(min=1, max=20)])
    demo_slot_count = IntegerField(_l("Stage demo slots"), default=6,
                                   validators=[Optional(), NumberRange(min=0, max=200)])
    exhibitor_deadline = DateTimeLocalField(_l("Exhibitor applications close (Hong Kong time)"),
                                            format=HK_FORMAT, validators=[Optional()])
    retention_months = IntegerField(_l("Months after the forum before attendees' personal data is anonymised"),
                                    default=12, validators=[DataRequired(), NumberRange(min=1, max=120)])
    door_shows_access_needs = BooleanField(_l("Show attendees' access needs to door staff (never on the kiosk)"))
    registration_deadline = DateTimeLocalField(_l("Registration closes (Hong Kong time)"),
                                               format=HK_FORMAT, validators=[Optional()])
