"""Phone numbers checked as phone numbers (Google's libphonenumber rules, `phonenumbers`).

Numbers without a country code are read as Chinese: mobiles have 11 digits starting with 1,
landlines need their area code (021-6123 4567, 0755 8888 8888), optionally an extension
(转 801, -801, ext 801). Numbers abroad start with + and the country code.
"""

import re

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

HOME_REGION = "CN"
#: "转 801", "分机 801", "ext. 801", "x801", "#801" or "-801" after a full number.
EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#|-)\s*(\d{1,6})\s*$", re.IGNORECASE)
GARBAGE = re.compile(r"[^\d\s()+\-.#/转分机extEXT]")


def _valid(text: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, HOME_REGION))
    except phonenumbers.NumberParseException:
        return False


def phone_problem(text: str):
    """None when `text` is a number one can call, else what is wrong with it (lazy text)."""
    text = text.strip()
    if _valid(text) or _valid(EXTENSION.sub(" ext \\1", text)):
        return None
    digits = re.sub(r"\D", "", text)
    if GARBAGE.search(text) or not digits:
        return _l("Enter a phone number we can call, e.g. 138 0013 8000 or 021-6123 4567.")
    if text.startswith("+"):
        return _l("Check the number after the country code, e.g. +49 30 1234567.")
    if digits.startswith("1"):
        return _l("Check the mobile number: 11 digits starting with 1, e.g. 138 0013 8000.")
    if digits.startswith("0"):
        return _l("Check the area code and number, e.g. 021-6123 4567 or 0755 8888 8888.")
    return _l("Add the area code, e.g. 021-6123 4567; for a number abroad start with + "
              "and the country code.")


def phone_number(form, field) -> None:
    """WTForms validator: an empty field is left to DataRequired/Optional."""
    if field.data and field.data.strip() and (problem := phone_problem(field.data)):
        raise ValidationError(problem)
