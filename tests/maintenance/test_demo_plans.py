"""The demo has inspections in the coming weeks for each technician."""

from datetime import timedelta

import sqlalchemy as sa

from repairapp.accounts.models import Role, User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance.models import MaintenanceVisit
from repairapp.maintenance.services import generate


def test_every_technician_has_visits_in_the_coming_weeks(demo):
    """Loaded demo: each technician has a visit within 30 days; one plan waits for dispatch;
    a sweep right after adds nothing."""
    demo()
    today = utcnow().date()
    for tech in db.session.scalars(sa.select(User).where(User.role == Role.TECHNICIAN)):
        due = db.session.scalars(sa.select(MaintenanceVisit.due_date).where(
            MaintenanceVisit.assignee_id == tech.id)).all()
        assert any(today <= d <= today + timedelta(days=30) for d in due), tech.name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MaintenanceVisit).where(
        MaintenanceVisit.assignee_id.is_(None))) >= 1
    assert generate() == 0
