from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class PointForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=120)])
    key = StringField(_l("Key sent by scanners (optional)"), validators=[
        Optional(), Length(max=40),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and dashes."))])


class AnnulForm(FlaskForm):
    reason = StringField(_l("Why"), validators=[DataRequired(), Length(max=300)])


class KioskStartForm(FlaskForm):
    point = SelectField(_l("Check-in point"), validators=[DataRequired()], choices=[])
    pin = PasswordField(_l("Kiosk PIN (6 to 12 digits)"), validators=[DataRequired(), Length(max=12)])
    new_pin = BooleanField(_l("Make this the new kiosk PIN"))


class KioskExitForm(FlaskForm):
    pin = PasswordField(_l("Kiosk PIN"), validators=[DataRequired(), Length(max=12)])
