"""Issuing a customer's report link (staff); revoking and renewing post only the CSRF token."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import HiddenInput

from repairapp.main.form_errors import StaffForm
from repairapp.servicereports.services import parse_quarter


class IssueForm(StaffForm):
    """Create the link of one customer's report for a quarter (both from the list's row)."""

    customer = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    quarter = HiddenField(validators=[DataRequired()])

    def validate_quarter(self, field):
        try:
            parse_quarter(field.data)
        except ValueError:
            raise ValidationError(_l("Not a quarter such as 2026-Q3.")) from None

