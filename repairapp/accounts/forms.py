from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from repairapp.accounts.models import Role
from repairapp.main.form_errors import StaffForm
from repairapp.wording import ROLE

MIN_PASSWORD = 10
ROLE_CHOICES = [
    SelectChoice(role.value, ROLE[role])
    for role in (Role.TECHNICIAN, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
]


def _new_password(label, required=True):
    return PasswordField(label, validators=[
        DataRequired(_l("Enter a password.")) if required else Optional(),
        Length(min=MIN_PASSWORD, max=200,
               message=_l("At least %(num)d characters.", num=MIN_PASSWORD))])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(StaffForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = _new_password(_l("New password"))
    repeat = PasswordField(_l("New password again"), validators=[
        EqualTo("new", _l("The two new passwords differ."))])


class UserForm(StaffForm):
    """Create a user (password required) or edit one (password resets it when given)."""

    email = EmailField(_l("Email"), validators=[
        DataRequired(), Email(_l("Enter a valid email address.")), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    is_active = BooleanField(_l("Active"), default=True)
    password = _new_password(_l("Password"), required=False)
