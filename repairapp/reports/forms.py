"""The report's filters: a GET form (an address can be bookmarked and shared), so no CSRF."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtforms_translations
from markupsafe import Markup, escape
from wtforms import DateField, Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import Select, core

from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.contracts.models import ServicePlan
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.main.widgets import attribute_value
from repairapp.reports.services import Filters
from repairapp.tickets.models import Category
from repairapp.wording import CATEGORY

PERIODS = {
    "this_month": _l("This month"), "last_month": _l("Last month"),
    "this_quarter": _l("This quarter"), "last_quarter": _l("Last quarter"),
    "this_year": _l("This year"), "last_year": _l("Last year"),
}


def period(key: str, today: date) -> tuple[date, date]:
    """First and last day of a shortcut period around `today`."""
    if key.endswith("month"):
        first = today.replace(day=1)
        if key == "last_month":
            first = (first - timedelta(days=1)).replace(day=1)
        return first, _month_end(first, 1)
    if key.endswith("quarter"):
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        if key == "last_quarter":
            first = (first - timedelta(days=1)).replace(day=1)
            first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
        return first, _month_end(first, 3)
    year = today.year - (key == "last_year")
    return date(year, 1, 1), date(year, 12, 31)


def _month_end(first: date, months: int) -> date:
    month = first.month - 1 + months
    return date(first.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _choices(query) -> list[tuple]:
    return [(value, label) for value, label in db.session.execute(query)]


class _ListSelect(Select):
    """WTForms' `Select`, the same HTML, for a list of (value, label) pairs: each option
    written straight from its pair instead of going through a `Choice` and `html_params`
    (the customer, site and model lists are some 650 options)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        html = [f"<select {core.html_params(name=field.name, **kwargs)}>"]
        coerce, data = field.coerce, field.data
        for value, label in field.choices:
            selected = "selected " if coerce(value) == data else ""
            html.append(f'<option {selected}value="{attribute_value(value)}">'
                        f'{escape(label or value)}</option>')
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 -- every value and label escaped above


class _ListField(SelectField):
    """A `SelectField` whose choices are plain (value, label) pairs: rendered by
    `_ListSelect`, and a submitted value checked against a set of them, without making a
    `SelectChoice` and a `Choice` per option each time."""

    widget = _ListSelect()

    def has_groups(self):
        return False

    def pre_validate(self, form):
        if self.process_errors or not self.validate_choice:
            return
        if self.choices is None:
            raise TypeError("Choices cannot be None.")  # a programming error, as in WTForms
        if self.data not in {self.coerce(value) for value, _label in self.choices}:
            # WTForms' own message from WTForms' catalogue, as SelectField says it; called
            # through another name so that our extraction does not take it for ours.
            wtforms_text = self.gettext
            raise ValidationError(
                self.invalid_choice_message or wtforms_text("Not a valid choice."))


class ReportForm(Form):
    period = SelectField(_l("Quick period"), choices=[SelectChoice("", _l("Dates below"))] + [
        SelectChoice(key, label) for key, label in PERIODS.items()], default="this_month")
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()])
    customer = _ListField(_l("Customer"), coerce=int, default=0)
    site = _ListField(_l("Site"), coerce=int, default=0)
    plan = _ListField(_l("Plan"), coerce=int, default=0)
    model = _ListField(_l("Model"), default="")
    category = SelectField(_l("Category"), default="")
    technician = _ListField(_l("Technician"), coerce=int, default=0)

    class Meta:
        def get_translations(self, form):
            return wtforms_translations  # WTForms' own messages in the visitor's language

    def __init__(self, formdata):
        super().__init__(formdata)
        everyone = [(0, _l("All"))]
        self.customer.choices = everyone + _choices(
            sa.select(Customer.id, Customer.name).order_by(Customer.name))
        self.site.choices = everyone + _choices(
            sa.select(Site.id, Customer.name + " · " + Site.name).join(Customer)
            .order_by(Customer.name, Site.name))
        self.plan.choices = everyone + _choices(
            sa.select(ServicePlan.id, ServicePlan.name).order_by(ServicePlan.name))
        self.model.choices = [("", _l("All"))] + _choices(
            sa.select(Asset.model, Asset.model).where(Asset.model != "").distinct()
            .order_by(Asset.model))
        self.category.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(c.value, CATEGORY[c]) for c in Category]
        self.technician.choices = everyone + _choices(
            sa.select(User.id, User.name).where(User.role == Role.TECHNICIAN)
            .order_by(User.name))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators) or self.period.data:
            return not self.errors
        start, end = self.start.data, self.end.data
        if not (start and end):
            self.end.errors.append(_l("Choose a period, or both dates."))
        elif end < start:
            self.end.errors.append(_l("The end is before the start."))
        elif (end - start).days > 3660:
            self.end.errors.append(_l("At most ten years at a time."))
        return not self.errors

    def filters(self, today: date) -> Filters:
        """The chosen filters (call after validate); a shortcut wins over the dates."""
        if self.period.data:
            start, end = period(self.period.data, today)
        else:
            start, end = self.start.data, self.end.data
        return Filters(start, end, self.customer.data or None, self.site.data or None,
                       self.plan.data or None, self.model.data or "",
                       Category(self.category.data) if self.category.data else None,
                       self.technician.data or None)
