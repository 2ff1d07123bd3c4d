"""Staff forms on a ticket page."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from repairapp.intake.forms import PhotosMixin
from repairapp.main.form_errors import StaffForm
from repairapp.tickets.work import Part
from repairapp.wording import CATEGORY, SEVERITY, WORK_TYPE


class StatusForm(StaffForm):
    #: The status buttons send only where to.
    may_be_absent = ("note",)

    to = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class WaitForm(StatusForm):
    """Waiting for the customer: what they are to provide is required; they see it."""

    may_be_absent = ()

    to = HiddenField(default="waiting_customer", validators=[DataRequired()])
    note = StringField(_l("What are you waiting for from the customer?"),
                       description=_l("The requester sees this on their tracking page, e.g. "
                                      "“a photo of the error screen”."),
                       validators=[DataRequired(_l("Say what you are waiting for.")),
                                   Length(max=300)])


class PartForm(Form):
    """One row of parts used; empty rows are ignored."""

    # Not "description"/"name": FormField rows already have attributes by those names.
    item = StringField(_l("Part"), validators=[Optional(), Length(max=200)])
    quantity = IntegerField(_l("Qty"), default=1,
                            validators=[Optional(), NumberRange(min=1, max=9999)])


class WorkLogForm(PhotosMixin, StaffForm):
    work_type = RadioField(_l("Work"), choices=[SelectChoice(k.value, v)
                                                for k, v in WORK_TYPE.items()],
                           validators=[InputRequired(_l("Choose remote or on site."))])
    minutes = IntegerField(_l("Minutes spent"), default=0,
                           validators=[InputRequired(_l("Enter the minutes spent.")),
                                       NumberRange(min=0, max=24 * 60)])
    notes = TextAreaField(_l("Notes (staff only)"), validators=[Optional(), Length(max=4000)])
    parts = FieldList(FormField(PartForm), min_entries=2, max_entries=10)

    def parts_used(self) -> list[Part]:
        return [Part(row.item.data.strip(), row.quantity.data or 1)
                for row in self.parts if (row.item.data or "").strip()]


class ResolveForm(WorkLogForm):
    notes = TextAreaField(_l("What was done (the customer sees this)"), description=_l(
        "Shown on the requester's tracking page and in the email asking them to confirm. "
        "Anything for colleagues only goes in the work log."), validators=[
        DataRequired(_l("Write what was done to fix it.")), Length(max=4000)])


class AssignForm(StaffForm):
    #: A user id, or "" for "back to the dispatch queue".
    technician = SelectField(_l("Technician"), validate_choice=True)
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class TriageForm(StaffForm):
    severity = SelectField(_l("Severity"), choices=[SelectChoice(k.value, v)
                                                    for k, v in SEVERITY.items()])
    category = SelectField(_l("Category"), choices=[SelectChoice(k.value, v)
                                                    for k, v in CATEGORY.items()])


class MergeForm(StaffForm):
    """One tap: close this ticket as a duplicate of the earlier open one `into`."""

    #: The ticket page's button has no queue page to go back to.
    may_be_absent = ("next",)

    into = IntegerField(validators=[DataRequired()])
    #: Where to go afterwards (the queue page the button was on); a local path only.
    next = HiddenField()
