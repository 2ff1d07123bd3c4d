"""The public repair-request form and the "add to the open ticket" form."""

import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from repairapp.contracts.models import Severity
from repairapp.main.phones import phone_number
from repairapp.tickets.photos import DecodeBusy, PhotoError, PhotoTooLarge, reencode
from repairapp.wording import CATEGORY

MAX_PHOTOS = 3

CATEGORY_CHOICES = [SelectChoice(category.value, label) for category, label in CATEGORY.items()]
#: Impact as a requester sees it, and the severity it means for the SLA.
IMPACT_SEVERITY = {
    "stopped": Severity.CRITICAL,
    "partial": Severity.MAJOR,
    "minor": Severity.MINOR,
}
IMPACT_CHOICES = [
    SelectChoice("stopped", _l("Production stopped")),
    SelectChoice("partial", _l("Partly working")),
    SelectChoice("minor", _l("Minor, can wait")),
]


class PhotosMixin:
    photos = MultipleFileField(_l("Photos (up to 3)"))
    #: Filled by validate_photos: the uploads re-encoded, ready to store.
    reencoded: tuple = ()

    def validate_photos(self, field):
        """Re-encode now: a file that is not a readable image is a validation error."""
        files = [f for f in (field.data or []) if isinstance(f, FileStorage) and f.filename]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_l("Attach at most 3 photos."))
        config = current_app.config
        try:
            self.reencoded = [reencode(f.read(), config["PHOTO_MAX_PIXELS"],
                                       decodes=config["PHOTO_DECODES"],
                                       wait=config["PHOTO_DECODE_WAIT"]) for f in files]
        except PhotoTooLarge as exc:
            raise ValidationError(_l(
                "A photo is too large to read (%(width)d × %(height)d pixels). Send it at the "
                "camera's normal size, or a screenshot of it.",
                width=exc.size[0], height=exc.size[1])) from None
        except PhotoError:
            raise ValidationError(_l("One of the files is not a photo we can read: send JPEG, "
                                     "PNG or WebP photos.")) from None
        except DecodeBusy:
            raise ValidationError(_l("The server is busy reading other photos. Send the form "
                                     "again in a moment.")) from None


class RequestForm(PhotosMixin, FlaskForm):
    category = RadioField(_l("What is wrong?"), choices=CATEGORY_CHOICES,
                          validators=[InputRequired(_l("Choose what is wrong."))])
    impact = RadioField(_l("How bad is it?"), choices=IMPACT_CHOICES,
                        validators=[InputRequired(_l("Choose how bad it is."))])
    description = TextAreaField(_l("Describe the problem"),
                                validators=[Optional(), Length(max=2000)])
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Tell us your name.")), Length(max=100)])
    phone = StringField(_l("Your phone"), validators=[
        DataRequired(_l("Tell us a phone number.")), Length(max=40), phone_number])
    email = EmailField(_l("Email for updates (optional)"), validators=[
        Optional(), Length(max=254), Email(_l("Check the email address, e.g. name@company.com."))])
    #: Random per rendered form; the same key twice means the same request.
    key = HiddenField(default=lambda: uuid.uuid4().hex,
                      validators=[DataRequired(), Length(min=16, max=64)])

    @property
    def severity(self) -> Severity:
        return IMPACT_SEVERITY[self.impact.data]


class AddInfoForm(PhotosMixin, FlaskForm):
    note = TextAreaField(_l("What should the technician know?"), validators=[
        DataRequired(_l("Write what you want to add.")), Length(max=2000)])
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Tell us your name.")), Length(max=100)])
    #: Random per rendered form; photos sent with a mistake are held under it.
    key = HiddenField(default=lambda: uuid.uuid4().hex, validators=[Optional(), Length(max=64)])
