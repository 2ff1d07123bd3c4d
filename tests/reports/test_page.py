"""The /reports page: filters from the query string, each figure's table, its SVG chart
without scripts, bad input answered in the user's language, and a flat query count."""

import re
from datetime import date

import pytest
from maintenance.data import CHECKS, plan
from reports.conftest import _file, local
from reports.test_inspections import _visit

import factories as f
from conftest import counting_queries
from repairapp.accounts.models import Role
from repairapp.maintenance.models import VisitStatus
from repairapp.tickets.models import Status

MARCH = {"period": "", "start": "2026-03-01", "end": "2026-03-31"}


def test_the_page_shows_each_figure_with_its_numbers(admin, client, month):
    """Every section has a table; charts are inline SVG with no script or style."""
    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    for key in ("volume", "by_category", "by_model", "by_site", "by_customer", "durations",
                "compliance", "quality", "satisfaction", "technicians", "chargeable",
                "repeated", "reliability", "inspections", "inspection_models",
                "inspection_items"):
        assert f'id="{key}"' in page, key
    assert page.count("<svg") >= 10 and "<style" not in page
    [script] = re.findall(r"<script\b[^>]*>", page)  # the app's own, under its hashed name
    assert re.fullmatch(r'<script src="/static/app\.[0-9a-f]{12}\.js" defer>', script)
    assert ' style="' not in page
    durations = page[page.index('id="durations"'):page.index('id="compliance"')]
    assert re.search(r"Response, working time</td><td[^>]*>3</td><td[^>]*>43.3</td>"
                     r"<td[^>]*>30.0</td><td[^>]*>78.0</td>", durations)


def test_a_manager_sees_the_page_and_a_technician_does_not(client, auth, month):
    """Admins (and managers) only."""
    manager = getattr(Role, "MANAGER", Role.ADMIN)
    auth.login(f.user(manager).email)
    assert client.get("/reports/").status_code == 200
    auth.logout()
    auth.login(month.tech.email)
    assert client.get("/reports/").status_code == 403


@pytest.mark.parametrize("args, message", [
    ({"period": "", "start": "2026-03-31", "end": "2026-03-01"}, "The end is before the start."),
    ({"period": "", "start": "2026-03-01"}, "Choose a period, or both dates."),
    ({"period": "", "start": "yesterday", "end": "2026-03-01"}, "Not a valid date value."),
    ({"period": "this_month", "customer": "abc"}, "Invalid Choice"),
    ({"period": "fortnight"}, "Not a valid choice."),
])
def test_bad_filters_are_answered_with_a_message(admin, client, args, message):
    """422 with the message next to the field; no figures."""
    response = client.get("/reports/", query_string=args)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'id="volume"' not in page


def test_bad_filters_in_chinese(admin, client):
    client.set_cookie("lang", "zh")
    page = client.get("/reports/", query_string={"period": "", "start": "2026-03-31",
                                                  "end": "2026-03-01"}).get_data(as_text=True)
    assert "结束日期早于开始日期" in page


def test_shortcuts_pick_whole_periods(admin, client):
    """Last quarter from a date in May is January to March; last month in January is
    December of the year before."""
    from datetime import date

    from repairapp.reports.forms import period

    assert period("last_quarter", date(2026, 5, 10)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period("this_quarter", date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period("last_month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert period("this_month", date(2026, 2, 3)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period("last_year", date(2026, 2, 3)) == (date(2025, 1, 1), date(2025, 12, 31))


def test_the_number_of_queries_does_not_grow_with_the_tickets(admin, client, month):
    """Twice the tickets (more machines, models, sites), and inspections with failed checks
    where there were none: the same number of queries."""
    def count() -> int:
        with counting_queries() as statements:
            assert client.get("/reports/", query_string=MARCH).status_code == 200
        return len(statements)

    before = count()
    for n in range(6):
        machine = f.asset(model=f"Z-{n}")
        _file(machine, local(3, 3 + n, 9))
        checked = plan(machine, start=date(2026, 3, 3), name=f"Plan {n}", items=CHECKS)
        _visit(checked, machine, date(2026, 3, 3 + n), VisitStatus.DONE, local(3, 3 + n, 9),
               results=[(0, False, Status.NEW), (1, True, None)])
    assert count() == before
