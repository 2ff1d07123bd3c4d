"""The error summary every form gets when it comes back with mistakes (Jinja globals), and
the status a staff form comes back with.

base.html lists the problems of every form on the page at the top, each linking to its
field; the field macros put `autofocus` on the first wrong field, so the focus lands there
without JavaScript (static/app.js does the same where a template renders a field by hand).

A staff form (every form staff post derives from `StaffForm`) shown back with mistakes
answers 422. One its page could not have sent (a field missing from the post, sent twice, not
a number or date where the input only allows one, or not one of a list's choices) is
malformed: the form fails with a message on that field and the answer is 400. Browsers
leave out unticked boxes, unchosen radio groups and empty file inputs, so those may be
missing; a form names the fields its pages do not render in `may_be_absent`.
"""

from dataclasses import dataclass

from flask import Flask, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from jinja2 import pass_context
from wtforms import Field, Form
from wtforms.fields import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
)

MISSING = _l("This field was not sent. Reload the page and send the form again.")
REPEATED = _l("This field was sent more than once. Reload the page and send the form again.")
#: Fields a browser leaves out of the post when nothing is ticked, chosen or attached.
MAY_BE_OMITTED = (BooleanField, RadioField, FileField, MultipleFileField, SelectMultipleField)


@dataclass(frozen=True)
class Problem:
    """One wrong field: where it is (None for a form-wide problem), its label, the message."""

    anchor: str | None
    label: str
    message: str


def _wrong_fields(fields) -> list[Field]:
    """Fields with errors in the order declared, sub-forms and repeated rows included."""
    wrong = []
    for field in fields:
        if isinstance(field, FieldList | FormField):
            wrong += _wrong_fields(field)
        elif field.errors and field.type != "CSRFTokenField":
            wrong.append(field)
    return wrong


def _anchor(field: Field) -> str | None:
    """The id a summary link jumps to: the field, a radio group's first choice, none for
    a hidden field."""
    if getattr(field.widget, "input_type", None) == "hidden":
        return None
    return f"{field.id}-0" if isinstance(field, RadioField) else field.id


@pass_context
def form_problems(context) -> list[Problem]:
    """Every problem of the forms in the page's context; remembers the first wrong field."""
    forms = [value for value in context.get_all().values() if isinstance(value, Form)]
    problems, first = [], None
    for form in forms:
        for field in _wrong_fields(form):
            first = first or (field if _anchor(field) else None)
            problems += [Problem(_anchor(field), str(field.label.text), str(message))
                         for message in field.errors]
        csrf = getattr(form, "csrf_token", None)
        problems += [Problem(None, "", str(m)) for m in (csrf.errors if csrf else ())]
        problems += [Problem(None, "", str(m)) for m in getattr(form, "form_errors", ())]
    g.first_wrong_field = first
    if problems:
        g.form_problems = True
    return problems


def first_wrong(field: Field) -> bool:
    """Whether `field` gets the focus: the first wrong field of the page."""
    return g.get("first_wrong_field") is field


def _malformed(fields, posted, absent_ok=()) -> list[tuple[Field, str]]:
    """(field, message) for each field this post could not have come from a page with."""
    found = []
    for field in fields:
        if isinstance(field, FieldList):  # only the rows that were sent
            rows = [row for row in field
                    if any(name.startswith(f"{row.name}-") for name in posted)]
            found += [hit for row in rows for hit in _malformed(row, posted)]
        elif isinstance(field, FormField):
            found += _malformed(field, posted)
        elif field.type != "CSRFTokenField":
            sent = posted.getlist(field.name)
            found += [(field, m) for m in [_problem(field, sent, absent_ok)] if m]
    return found


def _problem(field: Field, sent: list, absent_ok=()):
    if not sent:
        omittable = isinstance(field, MAY_BE_OMITTED) or field.short_name in absent_ok or (
            isinstance(field, SelectField) and not field.iter_choices())  # no option to send
        return None if omittable else MISSING
    if len(sent) > 1 and not isinstance(field, SelectMultipleField | MultipleFileField):
        return REPEATED
    if field.process_errors and str(sent[0]).strip():  # not a number, a date, a choice's type
        return field.process_errors[0]
    if isinstance(field, SelectField) and field.validate_choice and not isinstance(
            field, SelectMultipleField) and not any(c.selected for c in field.iter_choices()):
        return field.errors[0]  # WTForms' "Not a valid choice.", as validate() just found
    return None


class StaffForm(FlaskForm):
    """The base of every form staff post: besides its own checks, it fails a post its page
    could not have sent (the request is then answered 400, see `_status`)."""

    #: Fields the form's pages do not always render, so a post may lack them.
    may_be_absent: tuple[str, ...] = ()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (has_request_context() and request.method == "POST"
                and current_user.is_authenticated) or all(
                    getattr(field, "raw_data", None) is None for field in self):
            return valid  # built without the posted data (a page shown, a kept form)
        posted = request.form.copy()
        posted.update(request.files)
        found = _malformed(self, posted, self.may_be_absent)
        for field, message in found:
            if message is MISSING:  # instead of "This field is required."
                field.errors = [message]
            elif message not in field.errors:
                field.errors = [*field.errors, message]
        if found:
            g.malformed_post = True
        return valid and not found


def _status(response):
    """400 for a malformed staff post shown back; 422, not 200, for one with mistakes."""
    if request.method != "POST" or response.status_code not in (200, 422):
        return response
    if g.get("malformed_post"):
        response.status_code = 400
    elif g.get("form_problems") and current_user.is_authenticated:
        response.status_code = 422
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(form_problems=form_problems, first_wrong=first_wrong)
    app.after_request(_status)
