"""A plan's promise in words: tier, when the clock runs, and the targets of one severity."""

import pytest
from flask import render_template_string
from flask_babel import force_locale
from sla.test_calendar import OFFICE, SITE_16H, at

from repairapp.contracts.models import PlanKind, ServiceLevel
from repairapp.sla.calendar import Calendar, weekly
from repairapp.sla.wording import (
    Text,
    describe_hours,
    describe_promise,
    target_phrase,
    week_runs,
)

EXTENDED = PlanKind.EXTENDED


def in_language(app, lang: str, text) -> str:
    """The lazy text as a visitor who chose `lang` would read it."""
    with app.test_request_context(), force_locale(lang):
        return str(text)


@pytest.fixture
def en(app):
    return lambda text: in_language(app, "en", text)


def test_7x24_says_so(en):
    """No hours: the clock never stops."""
    assert en(describe_promise(EXTENDED, ServiceLevel.A, Calendar())) == "Level A: 7×24"


def test_working_hours_with_a_lunch_break_and_holidays(en):
    """Mon–Fri with a lunch break, public holidays off: one group, both intervals."""
    text = describe_promise(EXTENDED, ServiceLevel.H8, OFFICE)
    assert en(text) == ("8 h site: working hours only (Mon–Fri 09:00–12:00, 13:00–17:00, "
                        "except public holidays)")


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


def phrase(app, lang, *args, **kwargs) -> str:
    with app.test_request_context(), force_locale(lang):
        return target_phrase(*args, **kwargs)


@pytest.mark.parametrize(("what", "minutes", "working", "english", "chinese"), [
    ("response", 120, True, "Response within 2 working hours", "2 个工作小时内响应"),
    ("fix", 480, True, "Fix within 8 working hours", "8 个工作小时内修复"),
    ("response", 60, True, "Response within 1 working hour", "1 个工作小时内响应"),
    ("fix", 240, False, "Fix within 4 hours", "4 小时内修复"),
    ("response", 30, False, "Response within 30 minutes", "30 分钟内响应"),
    ("response", 30, True, "Response within 30 working minutes", "30 个工作分钟内响应"),
    ("fix", 90, True, "Fix within 1 working hour 30 minutes", "1 个工作小时 30 分钟内修复"),
    ("response", 1440, False, "Response within 1 day", "1 天内响应"),
    ("fix", 2160, False, "Fix within 36 hours", "36 小时内修复"),
])
def test_targets_say_whether_they_count_working_time(app, what, minutes, working, english,
                                                      chinese):
    """Working-time targets say "working hours"; 24×7 ones are plain hours, or days."""
    assert phrase(app, "en", what, minutes, working) == english
    assert phrase(app, "zh", what, minutes, working) == chinese


def test_working_time_targets_are_never_called_days(app):
    """24 working hours are three office days, so they are not called "1 day"."""
    assert phrase(app, "en", "response", 1440, True) == "Response within 24 working hours"
    assert phrase(app, "zh", "fix", 4350, True) == "72 个工作小时 30 分钟内修复"


def test_the_due_time_stands_next_to_the_target(app):
    """The due time on the site's clock follows in brackets; abroad the zone is named."""
    due = at("Asia/Shanghai", 2026, 12, 3, 10, 30)
    assert phrase(app, "zh", "response", 120, True, due) == \
        "2 个工作小时内响应（2026-12-03 10:30 前）"
    assert phrase(app, "en", "response", 120, True, due) == \
        "Response within 2 working hours (by 2026-12-03 10:30)"
    assert phrase(app, "en", "fix", 240, False, due, "Europe/Berlin") == \
        "Fix within 4 hours (by 2026-12-03 03:30 Europe/Berlin time)"


def test_a_plan_without_tier_is_named_by_its_kind(en):
    """Warranty has no tier."""
    assert en(describe_promise(PlanKind.WARRANTY, None, Calendar())) == "Warranty: 7×24"


def test_no_plan_no_promise():
    """Nothing is promised without a plan, so nothing is said."""
    assert describe_promise(None, None, OFFICE) is None


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
    text = describe_promise(EXTENDED, ServiceLevel.H8, OFFICE)
    assert "Mon–Fri" in in_language(app, "en", text)
    assert "周一–周五" in in_language(app, "zh", text)


def test_templates_escape_the_text(app):
    """Unlike a plain lazy string, it is escaped when rendered."""
    with app.test_request_context():
        assert render_template_string("{{ t }}", t=Text(lambda: "<b>")) == "&lt;b&gt;"


def test_chinese_hours_use_chinese_separators(app):
    """Intervals are listed with 、 and groups with ；, inside full-width brackets."""
    week = weekly(range(5), ("09:00", "12:00"), ("13:00", "17:00"), china=False)
    saturday = Calendar(hours=week.hours | {5: ((540, 720),)})
    assert in_language(app, "zh", describe_hours(saturday)) == (
        "仅工作时间（周一–周五 09:00–12:00、13:00–17:00；周六 09:00–12:00）")
