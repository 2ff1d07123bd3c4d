"""The error summary every form gets when it comes back with mistakes (Jinja globals).

base.html lists the problems of every form on the page at the top, each linking to its
field; the field macros put `autofocus` on the first wrong field, so the focus lands there
without JavaScript (static/app.js does the same where a template renders a field by hand).
"""

from dataclasses import dataclass

from flask import Flask, g
from jinja2 import pass_context
from wtforms import Field, Form
from wtforms.fields import FieldList, FormField, RadioField


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
    return problems


def first_wrong(field: Field) -> bool:
    """Whether `field` gets the focus: the first wrong field of the page."""
    return g.get("first_wrong_field") is field


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(form_problems=form_problems, first_wrong=first_wrong)
