"""A chargeable ticket (a machine nobody covers), a warranty one, their technician, and the
catalogue parts a quote prices."""

from datetime import date
from decimal import Decimal

import pytest

import factories as f
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.parts.models import Part
from repairapp.tickets.models import Status


@pytest.fixture
def plans():
    return f.standard_plans()


@pytest.fixture
def tech():
    return f.user(Role.TECHNICIAN, name="Li Gong")


@pytest.fixture
def chargeable(plans, tech):
    """Accepted, assigned, on a machine with no warranty and no contract."""
    ticket = f.ticket(f.asset(name="Press"), assignee=tech, status=Status.ACKNOWLEDGED)
    assert ticket.is_chargeable
    return ticket


@pytest.fixture
def in_warranty(plans, tech):
    """Accepted, assigned, on a machine in its free warranty."""
    machine = f.asset(accepted=date.today().replace(day=1), warranty_months=12, name="Lathe")
    ticket = f.ticket(machine, assignee=tech, status=Status.ACKNOWLEDGED)
    assert not ticket.is_chargeable
    return ticket


@pytest.fixture
def fuse():
    part = Part(code="FU-10A", name="Fuse 10 A", unit="pcs", price=Decimal("12.50"))
    db.session.add(part)
    db.session.commit()
    return part
