"""Technicians' "My jobs" (phone first)."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from repairapp.db import utcnow
from repairapp.jobs.services import done_recently, my_jobs
from repairapp.maintenance.services import my_visits

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/")
@login_required
def index():
    now = utcnow()
    return render_template("jobs/index.html", tickets=my_jobs(current_user.id),
                           done=done_recently(current_user.id, now), now=now,
                           visits=my_visits(current_user.id, now))
