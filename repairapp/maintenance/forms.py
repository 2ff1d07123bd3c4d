"""The plan form (admins) and the checklist form built from a plan's items (technicians)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from repairapp.intake.forms import PhotosMixin
from repairapp.main.form_errors import StaffForm
from repairapp.maintenance.models import ItemKind, Shift, Target, Unit
from repairapp.maintenance.wording import ANCHOR, ITEM_KIND, SHIFT, TARGET, UNIT

ROWS_FREE = 3  # empty checklist rows the page offers after the plan's items


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(k.value, v) for k, v in labels.items()]


class ItemRow(Form):
    """One check; a row without a label is ignored (and removes the check)."""

    # Not "label": a FormField row already has an attribute by that name.
    check = StringField(_l("Check item"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(ITEM_KIND), default=ItemKind.PASS_FAIL.value)
    min_value = DecimalField(_l("Minimum"), places=None, validators=[Optional()])
    max_value = DecimalField(_l("Maximum"), places=None, validators=[Optional()])
    is_required = BooleanField(_l("Required"), default=True)


class PlanForm(StaffForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    target = RadioField(_l("Which machines"), choices=_choices(TARGET),
                        default=Target.ASSET.value, validators=[InputRequired()])
    asset_tag = StringField(_l("Machine tag (for one machine)"),
                            validators=[Optional(), Length(max=40)])
    model = StringField(_l("Model (for every machine of a model)"),
                        validators=[Optional(), Length(max=120)])
    contract_id = SelectField(_l("Contract (for every machine it covers)"), choices=[])
    every = IntegerField(_l("Every"), default=3,
                         validators=[InputRequired(), NumberRange(min=1, max=366)])
    unit = SelectField(_l("Unit"), choices=_choices(UNIT), default=Unit.MONTH.value)
    anchor = RadioField(_l("Counted from"), choices=_choices(ANCHOR), default="fixed",
                        validators=[InputRequired()])
    start_date = DateField(_l("First visit"), validators=[InputRequired()])
    calendar_id = SelectField(_l("Service calendar"), choices=[])
    shift = RadioField(_l("A visit due on a holiday or closed day moves to"),
                       choices=_choices(SHIFT), default=Shift.BEFORE.value,
                       validators=[InputRequired()])
    notice_days = IntegerField(_l("Days of notice"), default=7,
                               validators=[InputRequired(), NumberRange(min=0, max=90)])
    engineer_id = SelectField(_l("Engineer"), choices=[])
    is_archived = BooleanField(_l("Archived (no more visits)"))
    items = FieldList(FormField(ItemRow), min_entries=ROWS_FREE, max_entries=60)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        needs = {"asset": self.asset_tag, "model": self.model}
        field = needs.get(self.target.data)
        if field is not None and not (field.data or "").strip():
            field.errors = [*field.errors, _l("Fill this in for the machines you chose.")]
            valid = False
        if self.target.data == "contract" and self.contract_id.data in (None, "", "0"):
            self.contract_id.errors = [*self.contract_id.errors, _l("Choose the contract.")]
            valid = False
        if not any((row.check.data or "").strip() for row in self.items):
            self.form_errors.append(_l("Add at least one check."))
            valid = False
        return valid


class AssignForm(StaffForm):
    technician = SelectField(_l("Technician"), choices=[], validate_choice=True)


def _photos(form, field):
    """Re-encode a check's photos as the request form does (a non-image is a mistake)."""
    PhotosMixin.validate_photos(form, field)
    form.photo_data[field.name] = list(form.reencoded)


def checklist_form(items, formdata=None):
    """A form with, per check, its answer (`value-<id>`), a note and photos."""

    class Checklist(StaffForm):
        #: field name -> the photos re-encoded, filled by validation
        photo_data: dict

    Checklist.photo_data = {}

    for item in items:
        required = [InputRequired(_l("Answer this check."))] if item.is_required and \
            item.kind is not ItemKind.PHOTO else [Optional()]
        if item.kind is ItemKind.PASS_FAIL:
            field = RadioField(item.label, choices=[SelectChoice("pass", _l("Pass")),
                                                    SelectChoice("fail", _l("Fail"))],
                               validators=required)
        elif item.kind is ItemKind.NUMBER:
            field = DecimalField(item.label, places=None, validators=required)
        elif item.kind is ItemKind.TEXT:
            field = TextAreaField(item.label, validators=[*required, Length(max=500)])
        else:
            field = None
        if field is not None:
            setattr(Checklist, f"value_{item.id}", field)
        setattr(Checklist, f"note_{item.id}", TextAreaField(
            _l("Note"), validators=[Optional(), Length(max=2000)]))
        setattr(Checklist, f"photos_{item.id}", MultipleFileField(
            _l("Photos (up to 3)"), validators=[_photos]))
    return Checklist(formdata=formdata) if formdata is not None else Checklist()

