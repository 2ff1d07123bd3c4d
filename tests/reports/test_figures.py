"""Each figure on the hand-built month, against the answer worked out by hand."""

from dataclasses import replace
from datetime import date

import pytest
from reports.conftest import MARCH

from repairapp.reports import services
from repairapp.reports.services import Filters
from repairapp.tickets.models import Category


def test_volume_per_day_with_the_backlog_at_each_days_end(month):
    """Filed and resolved per day; t0 (filed in February) is open until it resolves on
    the 2nd; t4 lands on the 31st, t5 (1 April) nowhere."""
    days = {b.start.day: b for b in services.volume(MARCH)}
    assert services.bucket_days(MARCH) == 1 and len(days) == 31
    assert (days[1].filed, days[1].resolved, days[1].backlog) == (0, 0, 1)
    # 2nd: t1 and the duplicate filed; t0 and t1 resolved; the duplicate closed.
    assert (days[2].filed, days[2].resolved, days[2].backlog) == (2, 2, 0)
    assert (days[5].filed, days[5].resolved, days[5].backlog) == (1, 1, 0)
    assert (days[10].filed, days[10].backlog) == (1, 1)
    assert (days[31].filed, days[31].backlog) == (1, 2)
    assert sum(b.filed for b in days.values()) == 5


def test_a_quarter_is_counted_per_week():
    """Longer than two months: weekly buckets, the last one cut at the period's end."""
    quarter = Filters(date(2026, 1, 1), date(2026, 3, 31))
    buckets = services.volume(quarter)
    assert services.bucket_days(quarter) == 7
    assert len(buckets) == 13 and buckets[-1].start == date(2026, 3, 26)


def test_fault_distribution(month):
    """Tickets filed in March per category, model, site and customer (duplicate included)."""
    assert services.distribution(MARCH, "category") == [("error", 3), ("mechanical", 1),
                                                        ("software", 1)]
    assert services.distribution(MARCH, "model") == [("X-1", 3), ("Y-2", 2)]
    sites = services.distribution(MARCH, "site")
    assert [n for _, n in sites] == [3, 2] and sites[0][0].endswith("· Plant 1")
    assert [n for _, n in services.distribution(MARCH, "customer")] == [3, 2]


def test_durations_mean_median_and_90th_percentile(month):
    """Responses 30, 90, 10 working minutes: mean 43.3, median 30, p90 30 + 0.8 x 60 = 78;
    resolutions 100 and 300 (t1's pause left out of working time): p90 100 + 0.9 x 200."""
    d = services.durations(MARCH)
    assert d["response_working"].count == 3
    assert d["response_working"].mean == pytest.approx(130 / 3)
    assert (d["response_working"].median, d["response_working"].p90) == (30, 78)
    assert (d["resolution_working"].count, d["resolution_working"].mean,
            d["resolution_working"].median) == (2, 200, 200)
    assert d["resolution_working"].p90 == pytest.approx(280)
    assert (d["resolution_wall"].mean, d["resolution_wall"].median) == (460, 460)
    assert d["resolution_wall"].p90 == pytest.approx(200 + 0.9 * 520)


def test_one_duration_and_none():
    """One ticket: every figure is its value; no ticket: none."""
    empty = services.durations(MARCH)["response_wall"]
    assert (empty.count, empty.mean, empty.median, empty.p90) == (0, None, None, None)


def test_durations_match_percentile_cont(month):
    """Our ranks give percentile_cont's answer: linear interpolation at q x (n - 1) over
    the sorted values, worked out here; PostgreSQL's own percentile_cont agrees too."""
    import math

    import sqlalchemy as sa

    from repairapp.extensions import db
    from repairapp.tickets.models import Ticket

    column = Ticket.resolution_wall_minutes
    values = sorted(db.session.scalars(sa.select(column).where(
        *services.filed(MARCH), column.is_not(None))))

    def cont(q: float) -> float:
        at = q * (len(values) - 1)
        low, high = values[math.floor(at)], values[math.ceil(at)]
        return low + (high - low) * (at - math.floor(at))

    assert len(values) >= 2  # so the 90th percentile lies between two values
    expected = (cont(0.5), cont(0.9))
    if db.engine.dialect.name == "postgresql":
        assert tuple(float(v) for v in db.session.execute(sa.select(
            sa.func.percentile_cont(0.5).within_group(column),
            sa.func.percentile_cont(0.9).within_group(column)).where(
            *services.filed(MARCH)).select_from(Ticket)).one()) == pytest.approx(expected)
    got = services.durations(MARCH)["resolution_wall"]
    assert (got.median, got.p90) == pytest.approx(expected)


def test_sla_compliance_by_plan_and_severity(month):
    """Gold critical (t1): met both; Gold major (t2): breached both; Silver critical (t3):
    response met, resolution open (not decided); Silver minor (t4) and the duplicate
    without targets: nothing decided."""
    rows = {(c.plan, c.severity.value): c for c in services.compliance(MARCH)}
    gold = rows[("Gold", "critical")]
    assert (gold.response_decided, gold.response_met, gold.resolution_decided,
            gold.resolution_met) == (1, 1, 1, 1)
    late = rows[("Gold", "major")]
    assert (late.response_decided, late.response_met, late.resolution_rate) == (1, 0, 0)
    silver = rows[("Silver", "critical")]
    assert (silver.response_rate, silver.resolution_decided, silver.resolution_rate) == \
        (1, 0, None)


@pytest.mark.parametrize("change, filed", [
    ({"category": Category.MECHANICAL}, 1), ({"model": "Y-2"}, 2), ({"model": "none"}, 0)])
def test_filters_narrow_every_figure(month, change, filed):
    """A filter narrows what is counted."""
    flt = replace(MARCH, **change)
    assert sum(n for _, n in services.distribution(flt, "category")) == filed


def test_technician_and_customer_filters(month):
    """The technician's two jobs; the first machine's customer's three tickets."""
    assert sum(n for _, n in services.distribution(
        replace(MARCH, technician_id=month.tech.id), "model")) == 2
    assert sum(n for _, n in services.distribution(
        replace(MARCH, customer_id=month.x1.site.customer_id, site_id=month.x1.site_id),
        "model")) == 3
