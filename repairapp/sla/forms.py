from babel.dates import get_day_names
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from repairapp.main.form_errors import StaffForm
from repairapp.sla.admin import HoursError, format_intervals, parse_intervals
from repairapp.sla.holidays import ScheduleError, parse_schedule


def day_name(weekday: int, width: str = "wide") -> LazyString:
    """The weekday's name (0 = Monday) in the visitor's language, from Babel's locale data."""
    return LazyString(lambda: get_day_names(width, locale=get_locale())[weekday])


def _intervals(form, field):
    """The field's text must parse as ordered, non-overlapping intervals."""
    try:
        parse_intervals(field.data or "")
    except HoursError as error:
        raise ValidationError(error.args[0]) from None


def _hours_field(weekday: int) -> StringField:
    return StringField(day_name(weekday), validators=[Optional(), Length(max=200), _intervals],
                       filters=[lambda text: (text or "").strip()])


class CalendarForm(StaffForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)],
                       filters=[lambda text: (text or "").strip()])
    china_holidays = BooleanField(_l("Use China's statutory holidays and make-up working days"),
                                  default=True)
    mon = _hours_field(0)
    tue = _hours_field(1)
    wed = _hours_field(2)
    thu = _hours_field(3)
    fri = _hours_field(4)
    sat = _hours_field(5)
    sun = _hours_field(6)

    @property
    def weekdays(self) -> list[StringField]:
        return [self.mon, self.tue, self.wed, self.thu, self.fri, self.sat, self.sun]

    def set_hours(self, hours: dict) -> None:
        for weekday, field in enumerate(self.weekdays):
            field.data = format_intervals(hours.get(str(weekday), ()))

    def hours(self) -> dict[str, list[list[int]]]:
        """The weekly hours as stored: {"0": [[540, 720], ...]}, closed days left out."""
        return {str(weekday): parse_intervals(field.data or "")
                for weekday, field in enumerate(self.weekdays) if field.data}

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.hours():  # no hours at all would silently mean 24x7
            self.form_errors.append(_l("Enter working hours for at least one day."))
            return False
        return True


class DayForm(StaffForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    is_working = SelectField(_l("This day is"), default="closed", choices=[
        SelectChoice("closed", _l("Closed day")), SelectChoice("working", _l("Extra working day"))])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=200)])


class ScheduleForm(StaffForm):
    """A year's official schedule as the State Council published it, one line per day or
    range; empty: the holidays computed by rule apply again."""

    days = TextAreaField(_l("Holidays and make-up working days"),
                         validators=[Length(max=5000)])

    def __init__(self, year: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def validate_days(self, field):
        try:
            field.entries = parse_schedule(field.data or "", self.year)
        except ScheduleError as error:
            raise ValidationError(error.args[0]) from None


class DueCheckForm(StaffForm):
    """"A request filed at … under plan … with severity … would be due …" (a GET form)."""

    class Meta:
        csrf = False

    filed = DateTimeLocalField(_l("Filed at"), format="%Y-%m-%dT%H:%M",
                               validators=[DataRequired()])
    plan = SelectField(_l("Service plan"), coerce=int, validators=[DataRequired()])
    severity = SelectField(_l("Severity"), validators=[DataRequired()])
