"""`flask demo load`: what `make run` shows a newcomer."""

import re

import sqlalchemy as sa

from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.contracts.models import CoverageState, ServiceLevel, ServicePlan
from repairapp.contracts.services import coverage_for_asset
from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.extensions import db


def test_demo_covers_every_state_and_tier_and_prints_logins(runner, client):
    """Two customers in Shanghai, 12 assets in every coverage state, 4 staff, working URLs."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 2
    assert {s.timezone for s in db.session.scalars(sa.select(Site))} == {"Asia/Shanghai"}
    assets = db.session.scalars(sa.select(Asset)).all()
    assert len(assets) == 12
    states = {coverage_for_asset(a, utcnow()).state for a in assets}
    assert states == set(CoverageState)
    contract_levels = {coverage_for_asset(a, utcnow()).plan.service_level for a in assets
                       if coverage_for_asset(a, utcnow()).state is CoverageState.CONTRACT}
    levels = {p.service_level for p in db.session.scalars(sa.select(ServicePlan))} - {None}
    assert contract_levels == levels and len(levels) == 6
    roles = sorted(u.role.value for u in db.session.scalars(sa.select(User)))
    assert roles == sorted(r.value for r in (Role.ADMIN, Role.DISPATCHER, Role.TECHNICIAN,
                                             Role.TECHNICIAN))
    assert len(re.findall(r"^\s+(admin|dispatcher|technician)\s+\S+@\S+\s+\S+$", result.output,
                          re.M)) == 4
    urls = re.findall(r"http://127\.0\.0\.1:5000(/r/[0-9A-Z]{12})", result.output)
    assert len(urls) == 3
    assert all(client.get(u).status_code == 200 for u in urls)


def test_demo_load_twice_does_not_duplicate(runner):
    """A second `make run` keeps the data and still prints the logins."""
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(args=["demo", "load"])
    assert "already has data" in result.output and "admin@example.com" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Asset)) == 12


def test_demo_plans_count_their_tiers_working_hours(runner, client):
    """8 h and B plans run in office hours, A around the clock; the scan page says which."""
    runner.invoke(args=["demo", "load"])
    plans = {p.service_level: p for p in db.session.scalars(sa.select(ServicePlan))}
    assert plans[ServiceLevel.H8].calendar.spec().hours[0] == ((510, 720), (780, 1050))
    assert plans[ServiceLevel.A].calendar is None
    client.set_cookie("lang", "en")
    eight_hours = db.session.scalar(sa.select(Asset).where(Asset.tag == "EQ-00103"))
    page = client.get(f"/r/{eight_hours.active_label.code}").get_data(as_text=True)
    assert "8 h site: working hours only (Mon–Fri 08:30–12:00, 13:00–17:30" in page
