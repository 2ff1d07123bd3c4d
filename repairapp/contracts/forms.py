from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from repairapp.contracts.models import PlanKind, ServiceLevel
from repairapp.main.form_errors import StaffForm


class ContractForm(StaffForm):
    number = StringField(_l("Contract number"), validators=[DataRequired(), Length(max=60)])
    customer_id = SelectField(_l("Customer"), coerce=int)
    plan_id = SelectField(_l("Service plan"), coerce=int)
    start_date = DateField(_l("First covered day"), validators=[DataRequired()])
    end_date = DateField(_l("Last covered day"), validators=[DataRequired()])
    amount = DecimalField(_l("Amount (tax included)"), places=2,
                          validators=[DataRequired(), NumberRange(min=0)])
    tags = TextAreaField(_l("Covered assets (tags, one per line)"), validators=[Optional()])
    is_archived = BooleanField(_l("Archived"))

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end is before the start."))


_MINUTES = [Optional(), NumberRange(min=1, max=60 * 24 * 60)]


def _id_or_none(value) -> int | None:
    """A select's "" (no choice) as None, else the id."""
    return int(value) if value not in (None, "") else None


class PlanForm(StaffForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[
        SelectChoice(PlanKind.WARRANTY.name, _l("Warranty")),
        SelectChoice(PlanKind.EXTENDED.name, _l("Extended contract")),
        SelectChoice(PlanKind.PER_INCIDENT.name, _l("Per incident"))])
    service_level = SelectField(_l("Tier"), choices=[SelectChoice("", "—")] + [
        SelectChoice(level.name, level.value) for level in ServiceLevel])
    response_critical_min = IntegerField(_l("Critical: response (min)"), validators=_MINUTES)
    resolution_critical_min = IntegerField(_l("Critical: resolution (min)"), validators=_MINUTES)
    response_major_min = IntegerField(_l("Major: response (min)"), validators=_MINUTES)
    resolution_major_min = IntegerField(_l("Major: resolution (min)"), validators=_MINUTES)
    response_minor_min = IntegerField(_l("Minor: response (min)"), validators=_MINUTES)
    resolution_minor_min = IntegerField(_l("Minor: resolution (min)"), validators=_MINUTES)
    calendar_id = SelectField(_l("Service calendar"), coerce=_id_or_none)
    fee_rate_percent = DecimalField(
        _l("Fee rate (percent of the contract amount a year)"), places=2,
        validators=[Optional(), NumberRange(min=0, max=100)])
    fee_annual = DecimalField(_l("Or a fixed annual fee (¥, tax included)"), places=2,
                              validators=[Optional(), NumberRange(min=0, max=99999999)])
    is_pay_first = BooleanField(_l("Pay first, then service (unpaid contracts cover nothing)"))
    is_archived = BooleanField(_l("Archived"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problem = self._fee_problem()
        if problem:
            self.fee_rate_percent.errors.append(problem)
        return valid and problem is None

    def _fee_problem(self):
        """An extended plan has exactly one fee, a rate or a fixed sum; other plans none."""
        given = sum(f.data is not None for f in (self.fee_rate_percent, self.fee_annual))
        if self.kind.data != PlanKind.EXTENDED.name:
            return _l("Only extended contract plans have a yearly fee.") if given else None
        if given == 2:
            return _l("Give a rate or a fixed annual fee, not both.")
        if given == 0:
            return _l("Give the plan's yearly fee: a rate or a fixed annual fee.")
        return None
