"""Pilot forms: shape checks only; services check meaning (dates in order, known sites, reasons)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import Reason, Stage
from .stages import REASON_LABELS, STAGE_LABELS


def _id_or_empty(value) -> str:
    return "" if value in (None, "", "None") else str(value)


class _Fields(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    sponsor_name = StringField(_l("HA sponsor"), validators=[Optional(), Length(max=160)])
    sponsor_user_id = SelectField(_l("Sponsor's account (they see the pilot)"), coerce=_id_or_empty, choices=[],
                                  validators=[Optional()], validate_choice=False)
    department = StringField(_l("Department"), validators=[Optional(), Length(max=160)])
    objectives = TextAreaField(_l("Objectives"), validators=[Optional(), Length(max=4000)])
    success_measures = TextAreaField(_l("Success measures"), validators=[Optional(), Length(max=4000)])
    planned_start = DateField(_l("Planned start"), validators=[Optional()])
    planned_end = DateField(_l("Planned end"), validators=[Optional()])
    evaluation_due = DateField(_l("Evaluation due"), validators=[Optional()])
    funding_scheme = TextAreaField(_l("Funding scheme"), validators=[Optional(), Length(max=2000)])
    budget = TextAreaField(_l("Budget"), validators=[Optional(), Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=8000)])

    FIELDS = ("title", "sponsor_name", "sponsor_user_id", "department", "objectives", "success_measures", "planned_start",
              "planned_end", "evaluation_due", "funding_scheme", "budget", "notes")

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class PilotForm(_Fields):
    company_id = SelectField(_l("Company"), validators=[DataRequired()], choices=[])
    solution_id = SelectField(_l("Solution"), validators=[Optional()], choices=[])
    sites = SelectMultipleField(_l("Sites"), validators=[DataRequired()], choices=[])
    forums = SelectMultipleField(_l("Forums"), validators=[Optional()], choices=[])

    def values(self) -> dict:
        return {**super().values(), "company_id": self.company_id.data, "solution_id": self.solution_id.data,
                "sites": self.sites.data, "forums": self.forums.data}


class EditForm(_Fields):
    version = HiddenField()


class MoveForm(FlaskForm):
    version = HiddenField()
    stage = SelectField(_l("Move to"), choices=[(s.value, STAGE_LABELS[s]) for s in Stage])
    site = SelectField(_l("Where"), choices=[], validators=[Optional()])
    reason = SelectField(_l("Reason for discontinuing"), validators=[Optional()],
                         choices=[("", "—")] + [(r.value, REASON_LABELS[r]) for r in Reason])
    reason_detail = StringField(_l("Reason in words"), validators=[Optional(), Length(max=500)])
    on = DateField(_l("On (default today)"), validators=[Optional()])
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=500)])
    back = HiddenField()


class SiteOutcomeForm(FlaskForm):
    version = HiddenField()
    success_measures = TextAreaField(_l("Success measures at this site"), validators=[Optional(), Length(max=4000)])
    results = TextAreaField(_l("Results"), validators=[Optional(), Length(max=4000)])
    decision = TextAreaField(_l("Decision"), validators=[Optional(), Length(max=4000)])


class ChampionForm(FlaskForm):
    version = HiddenField()
    pilot_site_id = SelectField(_l("Site"), choices=[], validators=[DataRequired()])
    name = StringField(_l("Champion's name"), validators=[Optional(), Length(max=160)])
    title = StringField(_l("Role"), validators=[Optional(), Length(max=160)])


class AddSiteForm(FlaskForm):
    version = HiddenField()
    site_id = SelectField(_l("Add a site"), choices=[], validators=[DataRequired()])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=4000)])


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"), choices=[("agreement", _l("Agreement")),
                                                ("evaluation", _l("Evaluation report"))])
    file = FileField(_l("PDF file"), validators=[FileRequired()])
