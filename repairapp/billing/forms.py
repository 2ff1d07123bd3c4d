from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from repairapp.main.form_errors import StaffForm


class PaymentForm(StaffForm):
    """The fee of a contract's term was paid (or, with no date, is unpaid after all)."""

    paid_on = DateField(_l("Paid on"), validators=[Optional()])
    payment_reference = StringField(_l("Payment reference"),
                                    validators=[Optional(), Length(max=120)])

    def validate_payment_reference(self, field):
        if (field.data or "").strip() and not self.paid_on.data:
            raise ValidationError(_l("Give the day it was paid, or leave the reference empty."))
