"""`flask sla due PLAN SEVERITY "YYYY-MM-DD HH:MM" [--tz ZONE]` and the same check on the
calendar page: the due times a ticket filed then would get."""

import pytest
import sqlalchemy as sa

import factories as f
from repairapp.contracts.models import PlanKind, ServiceLevel, ServicePlan
from repairapp.demo.data import _calendars as demo_calendars
from repairapp.extensions import db


@pytest.fixture
def plans() -> dict[str, ServicePlan]:
    """Plans on the demo's calendars (targets in minutes: critical response / resolution)."""
    calendars = demo_calendars()
    db.session.add_all(calendars.values())
    return {
        "8 h": f.plan(level=ServiceLevel.H8, name="8 h site", response=120, resolution=480,
                      calendar=calendars["office"]),
        "16 h": f.plan(level=ServiceLevel.H16, name="16 h site", response=60, resolution=240,
                       calendar=calendars["16h"]),
        "B": f.plan(level=ServiceLevel.B, name="Level B", response=240, resolution=960,
                    calendar=calendars["5x8"]),
        "7x24": f.plan(level=ServiceLevel.A, name="Level A", response=60, resolution=240),
        "none": f._add(ServicePlan(name="Remote only", kind=PlanKind.PER_INCIDENT)),
    }


def due(runner, *args) -> tuple[int, str]:
    result = runner.invoke(args=["sla", "due", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("args,lines", [
    # Friday 27 Nov 2026 16:00, office hours 08:30-12:00, 13:00-17:30: 1.5 h Friday, rest Monday
    (("8 h site", "critical", "2026-11-27 16:00"),
     ["response due: 2026-11-30 09:00", "resolution due: 2026-11-30 16:00"]),
    # Mon-Sat 08:00-24:00: an ordinary Saturday works
    (("16 h site", "critical", "2026-11-28 22:30"),
     ["response due: 2026-11-28 23:30", "resolution due: 2026-11-30 10:30"]),
    # major doubles the targets; National Day closes 1-7 October, Saturday 10th is make-up
    (("Level B", "major", "2026-09-30 16:00"),
     ["response due: 2026-10-08 16:00", "resolution due: 2026-10-12 16:00"]),
    # 2027 Spring Festival by rule (eve 02-05 to 02-10)
    (("Level B", "minor", "2027-02-04 09:00"),
     ["response due: 2027-02-11 17:00", "resolution due: 2027-02-19 17:00"]),
    (("Level A", "critical", "2027-02-06 10:00"),
     ["response due: 2027-02-06 11:00", "resolution due: 2027-02-06 14:00"]),
    (("Remote only", "minor", "2026-11-27 16:00"),
     ["response due: no target", "resolution due: no target"]),
])
def test_prints_due_times_for_the_plans(runner, plans, args, lines):
    """Response and resolution due on the Shanghai clock, as intake would freeze them."""
    code, output = due(runner, *args)
    assert code == 0, output
    assert output.splitlines()[1:] == lines


def test_plan_by_id_and_another_zone(runner, plans):
    """PLAN may be the plan's id; --tz reads and prints on that zone's clock (Berlin office
    hours are Berlin wall-clock hours)."""
    code, output = due(runner, str(plans["8 h"].id), "critical", "2026-11-27 16:00",
                       "--tz", "Europe/Berlin")
    assert code == 0, output
    assert "8 h site" in output
    assert "response due: 2026-11-30 09:00" in output


@pytest.mark.parametrize("args,message", [
    (("No such plan", "critical", "2026-11-27 16:00"), "no service plan is named"),
    (("Level A", "urgent", "2026-11-27 16:00"), "'urgent' is not one of"),
    (("Level A", "critical", "27.11.2026 16:00"), "is not a time like 2027-02-05 16:30"),
    (("Level A", "critical", "2026-11-27 16:00", "--tz", "Mars/Olympus"), "is not a time zone"),
])
def test_clear_errors(runner, plans, args, message):
    """An unknown plan, severity, date or zone fails with a message saying which."""
    code, output = due(runner, *args)
    assert code == 2 and message in output, output


def test_the_calendar_page_offers_the_same_check(client, admin, plans):
    """"A request filed at … under … would be due …" on /sla/ matches the CLI."""
    page = client.get("/sla/", query_string={
        "filed": "2026-11-27T16:00", "plan": plans["8 h"].id, "severity": "critical",
    }).get_data(as_text=True)
    assert ("A request filed at 2026-11-27 16:00 (Asia/Shanghai) under 8 h site with "
            "severity “Critical: production stopped” would be due:") in page
    assert "Response: 2026-11-30 09:00" in page
    assert "Resolution: 2026-11-30 16:00" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServicePlan)) == 5
