from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from repairapp.labels.sheets import SHEETS
from repairapp.main.form_errors import StaffForm


class BatchForm(StaffForm):
    """Which assets, which label stock, and where to start on a partly used sheet."""

    #: "Print this label now" on an asset's page sends only its tag, stock and position.
    may_be_absent = ("customer", "site", "search", "tag_from", "tag_to")

    customer = SelectField(_l("Customer"), coerce=int, validate_choice=False, default=0)
    site = SelectField(_l("Site"), coerce=int, validate_choice=False, default=0)
    search = StringField(_l("Search tag, name or model"), validators=[Optional()])
    tag_from = StringField(_l("Tags from"), validators=[Optional()])
    tag_to = StringField(_l("Tags to"), validators=[Optional()])
    never_printed = BooleanField(_l("Only labels never printed"))
    tags = TextAreaField(_l("Or exactly these tags (one per line)"), validators=[Optional()])
    sheet = SelectField(_l("Label stock"),
                        choices=[SelectChoice(k, s.name) for k, s in SHEETS.items()])
    start_row = IntegerField(_l("Start at row"), default=1, validators=[NumberRange(min=1)])
    start_col = IntegerField(_l("Start at column"), default=1, validators=[NumberRange(min=1)])

    def validate_start_row(self, field):
        sheet = SHEETS.get(self.sheet.data)
        if sheet and field.data and field.data > sheet.rows:
            raise ValidationError(_("This sheet has %(n)d rows.", n=sheet.rows))

    def validate_start_col(self, field):
        sheet = SHEETS.get(self.sheet.data)
        if sheet and field.data and field.data > sheet.cols:
            raise ValidationError(_("This sheet has %(n)d columns.", n=sheet.cols))


class ReissueForm(StaffForm):
    """The confirmation of a label replacement, naming the code it replaces."""

    replaces = HiddenField()
