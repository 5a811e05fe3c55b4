from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

KIND_LABELS = {
    "hospital": _l("Hospital"),
    "institution": _l("Institution"),
    "clinic": _l("Clinic"),
    "lab": _l("Lab"),
    "office": _l("Office"),
}


class SiteForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    cluster_code = SelectField(_l("Cluster"), choices=[], validate_choice=False)
    source = TextAreaField(_l("Source of the names"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("In use"), default=True)


class SiteImportForm(FlaskForm):
    file = FileField(_l("CSV or Excel (.xlsx) file"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Only check, do not import"))
