"""repairapp.main.widgets.html_params writes what WTForms' own does, for every kind of value."""

import pytest
from flask_babel import lazy_gettext
from markupsafe import Markup
from wtforms import widgets
from wtforms.widgets import core

from repairapp.main.widgets import ORIGINAL, html_params

CASES = [
    {},
    {"name": "text1", "id": "f", "class_": "text"},
    {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
    {"data_max_side": 4096, "aria_describedby": "x-error", "aria_invalid": "true"},
    {"value": 'a "quoted" <b>&amp; value\'s'},
    {"value": Markup('<i class="x">already safe</i>')},
    {"value": None, "maxlength": 0, "min": -1.5, "required": True, "autofocus": False},
    {"value": "张三 · 电话 13800000000", "placeholder": "例如：name@company.com"},
    {"for_": "category-0", "type": "radio", "data_a_b_c": "d"},
]


@pytest.mark.parametrize("params", CASES)
def test_the_same_attributes_as_wtforms(params):
    ours, theirs = html_params(**params), ORIGINAL(**params)
    assert ours == theirs
    assert isinstance(ours, Markup)


def test_lazy_text_is_escaped_the_same(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        params = {"title": lazy_gettext("Your name"), "value": lazy_gettext("Report a fault")}
        assert html_params(**params) == ORIGINAL(**params)


def test_installed_where_wtforms_looks_it_up(app):
    """The app installs it (create_app): widgets, labels and the package namespace."""
    assert core.html_params is html_params
    assert widgets.html_params is html_params
    assert core.Input.html_params is html_params
    assert core.Button.html_params is html_params
