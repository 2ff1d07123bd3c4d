"""A plan's promise in words: tier, when the clock runs, and the targets of one severity."""

import pytest
from flask import render_template_string
from flask_babel import force_locale
from sla.test_calendar import OFFICE, SITE_16H

from repairapp.contracts.models import PlanKind, ServiceLevel
from repairapp.sla.calendar import Calendar, weekly
from repairapp.sla.wording import Text, describe_hours, describe_promise, week_runs

EXTENDED = PlanKind.EXTENDED


def in_language(app, lang: str, text) -> str:
    """The lazy text as a visitor who chose `lang` would read it."""
    with app.test_request_context(), force_locale(lang):
        return str(text)


@pytest.fixture
def en(app):
    return lambda text: in_language(app, "en", text)


def test_7x24_says_so_with_the_targets(en):
    """No hours: the clock never stops, and the targets read in plain durations."""
    text = describe_promise(EXTENDED, ServiceLevel.A, Calendar(), (60, 240))
    assert en(text) == "Level A: 7×24, response within 1 h, fix within 4 h"


def test_working_hours_with_a_lunch_break_and_holidays(en):
    """Mon–Fri with a lunch break, public holidays off: one group, both intervals."""
    text = describe_promise(EXTENDED, ServiceLevel.H8, OFFICE, (120, 480))
    assert en(text) == ("8 h site: working hours only (Mon–Fri 09:00–12:00, 13:00–17:00, "
                        "except public holidays), response within 2 h, fix within 8 h")


def test_a_16_hour_site_until_midnight(en):
    """08:00–24:00 every day, no holidays: the interval ends at 24:00, not 00:00."""
    text = describe_promise(EXTENDED, ServiceLevel.H16, SITE_16H)
    assert en(text) == "16 h site: working hours only (Mon–Sun 08:00–24:00)"


def test_only_consecutive_days_with_the_same_hours_are_grouped():
    """Mon–Fri share hours, Saturday is shorter; Monday and Wednesday alone are not a run."""
    week = weekly(range(5), ("09:00", "17:00")).hours | {5: ((540, 720),)}
    assert week_runs(week) == [(0, 4, ((540, 1020),)), (5, 5, ((540, 720),))]
    apart = {0: ((540, 600),), 2: ((540, 600),)}
    assert week_runs(apart) == [(0, 0, ((540, 600),)), (2, 2, ((540, 600),))]


def test_hours_of_each_group_are_listed(en):
    """Groups are separated by semicolons, in weekday order."""
    week = weekly(range(5), ("09:00", "17:00"), china=False)
    saturday = Calendar(hours=week.hours | {5: ((540, 720),)})
    assert en(describe_hours(saturday)) == (
        "working hours only (Mon–Fri 09:00–17:00; Sat 09:00–12:00)")


def test_working_time_targets_stay_in_hours(en):
    """24 working hours are three office days, so they are not called "1 day"; 24×7 they are."""
    office = describe_promise(PlanKind.PER_INCIDENT, None, OFFICE, (1440, 4350))
    assert en(office).endswith("response within 24 h, fix within 72 h 30 min")
    always = describe_promise(PlanKind.PER_INCIDENT, None, Calendar(), (1440, 4320))
    assert en(always) == "Per incident: 7×24, response within 1 day, fix within 3 days"


def test_a_plan_without_tier_is_named_by_its_kind_and_missing_targets_are_left_out(en):
    """Warranty has no tier; no resolution target means none is mentioned."""
    text = describe_promise(PlanKind.WARRANTY, None, Calendar(), (120, None))
    assert en(text) == "Warranty: 7×24, response within 2 h"


def test_no_plan_no_promise():
    """Nothing is promised without a plan, so nothing is said."""
    assert describe_promise(None, None, OFFICE, (60, 240)) is None


def test_a_site_abroad_names_its_zone(en):
    """Hours are the site's wall clock; the zone is named when given."""
    text = describe_hours(weekly(range(5), ("09:00", "17:00"), china=False),
                          zone="Europe/Berlin")
    assert en(text) == "working hours only (Mon–Fri 09:00–17:00 Europe/Berlin time)"


def test_short_form_is_just_the_hours(en):
    """Cards that already name the plan show only when the clock runs."""
    assert en(describe_hours(OFFICE, short=True)) == "Mon–Fri 09:00–12:00, 13:00–17:00"
    assert en(describe_hours(Calendar(), short=True)) == "7×24"


def test_text_is_lazy_and_follows_the_visitors_language(app):
    """Built once, read in Chinese it uses Chinese day names."""
    text = describe_promise(EXTENDED, ServiceLevel.H8, OFFICE, (120, 480))
    assert "Mon–Fri" in in_language(app, "en", text)
    assert "周一–周五" in in_language(app, "zh", text)


def test_templates_escape_the_text(app):
    """Unlike a plain lazy string, it is escaped when rendered."""
    with app.test_request_context():
        assert render_template_string("{{ t }}", t=Text(lambda: "<b>")) == "&lt;b&gt;"
