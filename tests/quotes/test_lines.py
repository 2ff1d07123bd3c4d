"""Quote arithmetic by hand: person-days by calendar day, amounts half up to the fen, the
tax contained in the total."""

from datetime import date
from decimal import Decimal

import pytest

from repairapp.billing.work import Terms
from repairapp.quotes.models import LineKind
from repairapp.quotes.services import Line, on_site_lines, person_days, totals

D = Decimal
TERMS = Terms(remote=D("300.00"), visit=D("800.00"), person_day=D("2000.00"),
              tax_percent=D("13"))


def test_person_days_count_calendar_days_on_site_per_engineer():
    """Monday to Wednesday is 3 days a person, however short each day; across a month end
    the calendar still counts; the same day is 1."""
    monday, wednesday = date(2026, 3, 2), date(2026, 3, 4)
    assert person_days(monday, wednesday, 1) == 3
    assert person_days(monday, wednesday, 2) == 6
    assert person_days(date(2026, 1, 30), date(2026, 2, 2), 1) == 4  # Fri, Sat, Sun, Mon
    assert person_days(monday, monday, 3) == 3
    with pytest.raises(ValueError):
        person_days(wednesday, monday, 1)


def test_travel_days_are_charged_as_person_days():
    """2 engineers, Mon-Wed on site, one day there and back each: 6 + 2 person-days at the
    person-day price."""
    site, travel = on_site_lines(TERMS, date(2026, 3, 2), date(2026, 3, 4), 2, 1)
    assert (site.kind, site.quantity, site.unit_price, site.amount) == (
        LineKind.PERSON_DAY, 6, D("2000.00"), D("12000.00"))
    assert (travel.kind, travel.quantity, travel.amount) == (LineKind.TRAVEL_DAY, 2,
                                                              D("4000.00"))


def test_amounts_round_half_up_to_the_fen():
    """x.xx5 goes up, as on a Chinese invoice (half-even would give 1.00 and 6.12)."""
    assert Line(LineKind.PART, "", D("3"), D("0.335")).amount == D("1.01")  # 1.005
    assert Line(LineKind.PERSON_DAY, "", D("0.5"), D("12.25")).amount == D("6.13")  # 6.125
    assert Line(LineKind.PART, "", D("3"), D("0.334")).amount == D("1.00")  # 1.002


def test_total_and_the_tax_it_contains_at_13_percent():
    """Six person-days 12,000.00 + fuses 2 × 12.50 = 25.00 + train 356.40 = 12,381.40;
    VAT contained = 12,381.40 × 13 / 113 = 160,958.20 / 113 = 1,424.4088… → 1,424.41."""
    lines = [Line(LineKind.PERSON_DAY, "", D(6), D("2000.00")),
             Line(LineKind.PART, "Fuse", D(2), D("12.50")),
             Line(LineKind.TRAVEL_COST, "Train", D(1), D("356.40"))]
    assert totals(lines, D("13")) == (D("12381.40"), D("1424.41"))


def test_tax_contained_rounds_half_up_at_6_percent():
    """Visit 800.00 + remote 300.00 + 0.53 = 1,100.53; 1,100.53 × 6 / 106 = 62.2941… → 62.29;
    and 17,181.40 × 6 / 106 = 972.5320… → 972.53."""
    lines = [Line(LineKind.VISIT_FEE, "", D(1), D("800.00")),
             Line(LineKind.REMOTE_FEE, "", D(1), D("300.00")),
             Line(LineKind.TRAVEL_COST, "Parking", D(1), D("0.53"))]
    assert totals(lines, D("6")) == (D("1100.53"), D("62.29"))
    assert totals([Line(LineKind.PART, "", D(1), D("17181.40"))], D("6"))[1] == D("972.53")
