from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

INTEREST_CHOICES = [("curious", _l("Curious")), ("follow_up", _l("Want a follow-up")),
                    ("pilot", _l("Want to pilot"))]


class BookmarkForm(FlaskForm):
    interest = SelectField(_l("Interest"), choices=INTEREST_CHOICES, default="curious")
    note = TextAreaField(_l("Note: the need it could meet"), validators=[Optional(), Length(max=2000)])
    # Choices are the reference sites, set by the view; the service checks the id.
    site_id = SelectField(_l("Candidate hospital, clinic or lab"), choices=[], validate_choice=False)
