"""The customer's signature on the technician's phone, and a correction by the desk."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from repairapp.main.form_errors import StaffForm


class SignForm(StaffForm):
    """A typed name signs; a drawing from the pad (a PNG data URL, signature.js) is added."""

    signer_name = StringField(
        _l("Customer's name"), description=_l("The customer types their name; this signs the "
                                              "sheet, with or without the drawing."),
        validators=[DataRequired(_l("The customer types their name to sign.")),
                    Length(max=100)])
    #: Filled in by static/signature.js; empty without JavaScript or when nothing was drawn.
    signature = HiddenField()


class CorrectForm(StaffForm):
    #: The version being corrected, as the page showed it: a newer one means start again.
    version = HiddenField(validators=[DataRequired()])
    work_done = TextAreaField(_l("Work done (as the sheet shows it)"),
                              validators=[DataRequired(_l("Write what was done.")),
                                          Length(max=4000)])
    change_note = TextAreaField(
        _l("What changed and why"), description=_l(
            "Printed on the new version, which says it corrects the earlier one."),
        validators=[DataRequired(_l("Say what this correction changes.")), Length(max=1000)])
