from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from repairapp.assets.services import TAG_SHAPE
from repairapp.main.form_errors import StaffForm


class PartForm(StaffForm):
    code = StringField(_l("Part number"), validators=[
        DataRequired(), Length(max=40),
        Regexp(TAG_SHAPE.pattern + "$", message=_l("No spaces, commas or semicolons in part "
                                                   "numbers."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Unit"), description=_l("e.g. pcs, set, m"),
                       validators=[Optional(), Length(max=20)])
    price = DecimalField(_l("Price (¥, tax included)"), places=2, validators=[
        InputRequired(_l("Enter the price.")), NumberRange(min=0, max=9_999_999_999)])
    is_archived = BooleanField(_l("Archived"))
