from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from repairapp.main.form_errors import StaffForm
from repairapp.main.phones import phone_number


class CustomerForm(StaffForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    is_key = BooleanField(_l("Key customer (monthly follow-up call)"))
    is_archived = BooleanField(_l("Archived"))


class SiteForm(StaffForm):
    name = StringField(_l("Site name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])
    timezone = StringField(_l("Time zone"), default="Asia/Shanghai",
                           validators=[DataRequired(), Length(max=64)])
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[
        Optional(), Length(max=40), phone_number])
    is_archived = BooleanField(_l("Archived"))

    def validate_timezone(self, field):
        try:
            ZoneInfo(field.data)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_l("Unknown time zone; use a name like Asia/Shanghai.")) \
                from None
