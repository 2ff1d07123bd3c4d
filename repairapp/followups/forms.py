"""The desk's follow-up record, complaints logged by staff, and the requester's complaint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from repairapp.main.form_errors import StaffForm
from repairapp.main.phones import phone_number

STARS = [SelectChoice(str(n), "★" * n) for n in range(5, 0, -1)]


class FollowUpForm(StaffForm):
    method = RadioField(_l("How you reached them"),
                        choices=[SelectChoice("call", _l("Phone call")),
                                 SelectChoice("message", _l("Message"))],
                        validators=[InputRequired(_l("Choose call or message."))])
    satisfaction = RadioField(_l("Satisfaction"), choices=STARS,
                              validators=[InputRequired(_l("Choose 1 to 5 stars."))])
    #: Shown for a closed ticket's task only; a key customer's call has no repair to ask about.
    stays_fixed = RadioField(_l("Has it stayed fixed?"),
                             choices=[SelectChoice("yes", _l("Yes")),
                                      SelectChoice("no", _l("No"))],
                             validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class StaffComplaintForm(StaffForm):
    caller_name = StringField(_l("Caller"), validators=[DataRequired(), Length(max=100)])
    caller_phone = StringField(_l("Caller's phone"), validators=[
        Optional(), Length(max=40), phone_number])
    description = TextAreaField(_l("Complaint"), validators=[
        DataRequired(_l("Say what the complaint is about.")), Length(max=2000)])
    owner = SelectField(_l("Owner"), choices=[])


class ComplaintEditForm(StaffForm):
    owner = SelectField(_l("Owner"), choices=[])
    status = RadioField(_l("Status"), choices=[SelectChoice("open", _l("Open")),
                                               SelectChoice("closed", _l("Closed"))],
                        validators=[InputRequired()])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Not an inline validator: Optional() would stop the chain on an empty outcome.
        if valid and self.status.data == "closed" and not (self.outcome.data or "").strip():
            self.outcome.errors = [*self.outcome.errors,
                                   _l("Say how the complaint was settled before closing it.")]
            return False
        return valid


class ComplaintForm(FlaskForm):
    """The requester's complaint from the tracking page (no account)."""

    description = TextAreaField(_l("What went wrong?"), validators=[
        DataRequired(_l("Tell us what went wrong.")), Length(max=2000)])
