"""Requests filed at once by many phones against several gunicorn workers: every one becomes
exactly one ticket, and no phone sees an error (bench/submissions.py runs the full size)."""

import factories as f
from bench.submissions import gunicorn, submit_concurrently
from repairapp.tickets.models import Ticket


def test_concurrent_submissions_each_make_one_ticket(app):
    """40 requests from 4 phones at once against 2 gunicorn workers on the suite's database:
    40 redirects to the confirmation page and 40 new tickets."""
    paths = [f"/r/{f.asset().active_label.code}" for _ in range(3)]
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=2) as base_url:
        statuses = submit_concurrently(base_url, paths, submissions=40, clients=4)
    assert dict(statuses) == {302: 40}
    assert f.count(Ticket) == 40
