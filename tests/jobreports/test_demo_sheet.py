"""The demo has a resolved chargeable job with a signed service sheet."""

from datetime import UTC, datetime

import sqlalchemy as sa

from repairapp.extensions import db
from repairapp.jobreports import services
from repairapp.jobreports.models import JobReport

NOW = datetime(2026, 6, 10, 2, 30, tzinfo=UTC)


def test_the_demo_has_a_signed_sheet_on_a_chargeable_job_resolved_on_site(client, demo):
    """One sheet, drawn signature and the requester's name, sealed, signed before now and
    after the fix, with priced amounts; the tracking page links it."""
    demo(NOW)
    [report] = db.session.scalars(sa.select(JobReport)).all()
    ticket = report.ticket
    assert ticket.is_chargeable and services.was_on_site(ticket)
    assert report.signer_name == ticket.requester_name and report.signature_png
    assert ticket.resolved_at < report.signed_at <= NOW and services.is_intact(report)
    assert report.content["amounts"]["total"] is not None
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    assert f"/job-report/t/{ticket.tracking_token}/v1.pdf" in page

