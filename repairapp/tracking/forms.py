"""The requester's verdict on a resolved ticket."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class ConfirmForm(FlaskForm):
    rating = RadioField(_l("How was the service?"),
                        choices=[SelectChoice(str(n), "★" * n) for n in range(5, 0, -1)],
                        validators=[InputRequired(_l("Choose 1 to 5 stars."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=2000)])


class ReopenForm(FlaskForm):
    note = TextAreaField(_l("What is still wrong?"), validators=[
        DataRequired(_l("Tell us what is still wrong.")), Length(max=2000)])
