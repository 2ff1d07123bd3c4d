"""The quote staff prepare, the not-a-quality-fault finding, and the requester's answer."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
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
    ValidationError,
)

from repairapp.intake.forms import PhotosMixin
from repairapp.main.form_errors import StaffForm
from repairapp.quotes.wording import REASON, SERVICE


class TravelCostForm(Form):
    """One travel cost at cost (a ticket, a hotel); empty rows are ignored."""

    item = StringField(_l("Travel cost"), validators=[Optional(), Length(max=200)])
    amount = DecimalField(_l("Amount (¥)"), places=2, validators=[
        Optional(), NumberRange(min=0, max=9_999_999)])

class QuotePartForm(Form):
    """One catalogue part and how many; empty rows are ignored."""

    item = StringField(_l("Part"), validators=[Optional(), Length(max=250)])
    quantity = IntegerField(_l("Qty"), default=1,
                            validators=[Optional(), NumberRange(min=1, max=9999)])

class QuoteForm(StaffForm):
    service = RadioField(_l("Call-out"), choices=[SelectChoice(k, v) for k, v in SERVICE.items()],
                         default="none", validators=[InputRequired()])
    first_day = DateField(_l("First day on site"), validators=[Optional()])
    last_day = DateField(_l("Last day on site"), validators=[Optional()])
    engineers = IntegerField(_l("Engineers"), default=1,
                             validators=[InputRequired(), NumberRange(min=1, max=20)])
    travel_days = IntegerField(_l("Travel days per engineer, there and back"), default=0,
                               validators=[InputRequired(), NumberRange(min=0, max=30)])
    travel = FieldList(FormField(TravelCostForm), min_entries=2, max_entries=10)
    parts = FieldList(FormField(QuotePartForm), min_entries=3, max_entries=20)

    def validate_last_day(self, field):
        first, last = self.first_day.data, field.data
        if (first is None) != (last is None):
            raise ValidationError(_l("Give the first and the last day on site, or neither."))
        if first and last and last < first:
            raise ValidationError(_l("The last day cannot be before the first."))

class SendForm(StaffForm):
    """One tap: the draft goes to the requester."""

    quote = HiddenField(validators=[DataRequired()])

class NotQualityForm(PhotosMixin, StaffForm):
    reason = RadioField(_l("Why it is not a quality fault"),
                        choices=[SelectChoice(k.value, v) for k, v in REASON.items()],
                        validators=[InputRequired(_l("Choose a reason."))])
    note = TextAreaField(_l("What you found (the customer sees this)"), validators=[
        DataRequired(_l("Say what you found.")), Length(max=2000)])

    def validate_photos(self, field):
        super().validate_photos(field)
        if not self.reencoded:
            raise ValidationError(_l("Attach at least one photo of what you found."))

class ApproveForm(FlaskForm):
    #: The quote shown: an answer to an older version is refused.
    quote = HiddenField(validators=[DataRequired()])
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Type your name to approve.")), Length(max=100)])

class DeclineForm(FlaskForm):
    quote = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Why do you decline?"), validators=[
        DataRequired(_l("Tell us why you decline.")), Length(max=2000)])

