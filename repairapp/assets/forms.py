from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from repairapp.assets.services import TAG_SHAPE
from repairapp.main.form_errors import StaffForm


class AssetForm(StaffForm):
    tag = StringField(_l("Tag"), validators=[
        DataRequired(), Length(max=40),
        Regexp(TAG_SHAPE.pattern + "$", message=_l("No spaces, commas or semicolons in tags."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=120)])
    serial_number = StringField(_l("Serial number"), validators=[Optional(), Length(max=120)])
    site_id = SelectField(_l("Site"), coerce=int)
    acceptance_date = DateField(_l("Acceptance date"), validators=[Optional()])
    warranty_months = IntegerField(_l("Warranty months"), default=12,
                                   validators=[NumberRange(min=0, max=240)])
    is_archived = BooleanField(_l("Archived"))
