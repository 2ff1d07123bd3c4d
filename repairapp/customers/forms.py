import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from repairapp.main.form_errors import StaffForm
from repairapp.main.phones import phone_number


class CustomerForm(StaffForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    is_key = BooleanField(_l("Key customer (monthly follow-up call)"))
    is_archived = BooleanField(_l("Archived"))


class CustomerEditForm(CustomerForm):
    """The customer's page: also who gets its quarterly service report, and in which language."""

    report_emails = StringField(
        _l("Report contacts"), validators=[Optional(), Length(max=1000)],
        description=_l("Email addresses that get the quarterly service report, separated by "
                       "commas."))
    report_locale = SelectField(_l("Report language"), choices=[
        # Each language named in itself, as language menus do (not translated).
        SelectChoice("zh", "中文", render_kw={"lang": "zh-CN", "translate": "no"}),
        SelectChoice("en", "English", render_kw={"lang": "en", "translate": "no"})])
    #: Choices (active staff) are set by the view; 0 is "nobody".
    account_manager_id = SelectField(_l("Account manager"), coerce=int, choices=[])

    def validate_report_emails(self, field):
        for address in re.split(r"[,;，；\s]+", field.data or ""):
            if address:
                try:
                    validate_email(address, check_deliverability=False)
                except EmailNotValidError:
                    raise ValidationError(_l("Not an email address: %(address)s",
                                             address=address)) from None


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
