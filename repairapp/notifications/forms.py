"""Admin form for a notification channel."""

from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from repairapp.main.form_errors import StaffForm
from repairapp.notifications import egress, outbox
from repairapp.notifications.models import Transport
from repairapp.wording import NOTIFICATION_KIND, TRANSPORT


class ChannelForm(StaffForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    transport = SelectField(_l("Kind"), choices=[SelectChoice(t.value, label) for t, label in
                                                 TRANSPORT.items()])
    customer_id = SelectField(_l("Tickets of"), coerce=int)
    target = StringField(_l("Webhook URL or email addresses"),
                         validators=[DataRequired(), Length(max=500)])
    #: Write-only: never sent back to the browser; left empty, the stored one is kept.
    secret = PasswordField(_l("Signing secret (DingTalk, Feishu; optional)"),
                           validators=[Optional(), Length(max=200)])
    clear_secret = BooleanField(_l("Remove the stored secret"))
    kinds = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(k.value, label) for k, label in NOTIFICATION_KIND.items()],
        option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
        validators=[DataRequired(_l("Choose at least one event."))])
    is_active = BooleanField(_l("Active"), default=True)

    def validate_target(self, field):
        if self.transport.data == Transport.EMAIL.value:
            for address in field.data.replace(";", ",").split(","):
                try:
                    validate_email(address.strip(), check_deliverability=False)
                except EmailNotValidError:
                    raise ValidationError(_l("Not an email address: %(address)s",
                                             address=address.strip())) from None
        elif urlsplit(field.data.strip()).scheme not in ("http", "https"):
            raise ValidationError(_l("Paste the robot's webhook URL (https://…)."))
        else:
            _public_webhook(field.data)


def _public_webhook(url: str) -> None:
    """Refuse a URL whose host is or resolves to a local or private address. A name that
    does not resolve now is let through: it reaches nothing, and every send checks again."""
    try:
        egress.check(url, outbox.allowed_networks())
    except egress.Refused:
        raise ValidationError(_l("Only robots on the public internet can be used: this URL "
                                 "points to a local or private network address.")) from None
    except egress.Failed:
        raise ValidationError(_l("Paste the robot's webhook URL (https://…).")) from None
    except OSError:
        pass
