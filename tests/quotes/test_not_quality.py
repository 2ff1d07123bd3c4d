"""Not a quality fault: a covered ticket's fault found to come from misuse or third-party
parts needs a quote, and is chargeable only once the requester approves it."""

import io
from decimal import Decimal

import sqlalchemy as sa
from PIL import Image

import factories as f
from conftest import token_from
from repairapp.billing.work import Terms
from repairapp.extensions import db
from repairapp.quotes import services
from repairapp.quotes.models import LineKind, NotQualityFault, NotQualityReason
from repairapp.quotes.services import Line
from repairapp.tickets import work
from repairapp.tickets.models import Status, TicketPhoto, WorkType
from repairapp.tickets.photos import reencode

D = Decimal


def _jpeg() -> tuple[io.BytesIO, str]:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(out, "JPEG")
    out.seek(0)
    return out, "burnt.jpg"


def _mark(client, auth, ticket, **data):
    return auth.post(f"/quotes/ticket/{ticket.id}/not-quality", {
        "reason": "third_party", "note": "Third-party toner cartridge melted the fuser",
        **data}, content_type="multipart/form-data")


def test_marked_quoted_approved_then_chargeable(client, auth, in_warranty, tech, fuse):
    """Marked with a reason and a photo: still free; quoted and sent: still free; approved by
    the requester on the tracking page: chargeable, and resolution bills the quote."""
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    response = _mark(client, auth, in_warranty, photos=[_jpeg()])
    assert response.status_code == 302
    finding = db.session.scalar(sa.select(NotQualityFault))
    assert finding.reason is NotQualityReason.THIRD_PARTY
    assert [p.event_id for p in f.fresh(in_warranty).photos] == [finding.event_id]
    assert not f.fresh(in_warranty).is_chargeable
    ticket = f.fresh(in_warranty)
    quote = services.save_draft(ticket, tech, [
        Line(LineKind.REMOTE_FEE, "", D(1), D("300.00")),
        Line(LineKind.PART, fuse.name, D(2), fuse.price, fuse.id)], D("6"))
    services.send(quote, tech)
    db.session.commit()
    assert not f.fresh(in_warranty).is_chargeable
    auth.logout()
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    assert "Not a quality fault" in page and "Third-party parts or consumables" in page
    assert "Third-party toner cartridge melted the fuser" in page and "¥325.00" in page
    client.post(f"/t/{ticket.tracking_token}/quote/approve", data={
        "csrf_token": token_from(page), "quote": quote.id, "name": "Zhou"})
    ticket = f.fresh(in_warranty)
    assert ticket.is_chargeable and ticket.status is Status.IN_PROGRESS
    work.resolve(ticket, tech, resolution_note="New fuser", work_type=WorkType.REMOTE,
                 terms=Terms.from_config(client.application.config))
    db.session.commit()
    assert sum(i.amount for i in f.fresh(in_warranty).billable_items) == D("325.00")


def test_the_requester_sees_the_findings_photos_only(client, in_warranty, tech):
    """The finding's photo opens from the tracking link; the ticket's other photos do not."""
    photo = reencode(_jpeg()[0].getvalue(), 100)
    services.mark_not_quality(in_warranty, tech, reason=NotQualityReason.MISUSE,
                              note="Dropped", photos=[photo])
    work.log_work(in_warranty, tech, work_type=WorkType.ON_SITE, minutes=10, photos=[photo])
    db.session.commit()
    found, other = db.session.scalars(sa.select(TicketPhoto).order_by(TicketPhoto.id)).all()
    base = f"/t/{in_warranty.tracking_token}/photos"
    shown = client.get(f"{base}/{found.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    # An image that never changes: the phone may keep it, no shared cache may.
    assert shown.headers["Cache-Control"] == "private, max-age=86400"
    assert client.get(f"{base}/{other.id}").status_code == 404
    assert client.get(f"/t/not-the-token/photos/{found.id}").status_code == 404


def test_a_finding_needs_a_photo_and_a_note(client, auth, in_warranty, tech):
    """Without a photo, or without saying what was found: back with the message."""
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    response = _mark(client, auth, in_warranty)
    assert response.status_code == 422
    assert "Attach at least one photo" in response.get_data(as_text=True)
    response = _mark(client, auth, in_warranty, note="", photos=[_jpeg()])
    assert response.status_code == 422
    assert f.count(NotQualityFault) == 0


def test_only_covered_tickets_are_marked(client, auth, chargeable, tech):
    """A chargeable ticket is quoted anyway: the page sends back to the quote, nothing is
    written."""
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    page = client.get(f"/quotes/ticket/{chargeable.id}").get_data(as_text=True)
    response = client.post(f"/quotes/ticket/{chargeable.id}/not-quality", data={
        "csrf_token": token_from(page), "reason": "misuse", "note": "Dropped",
        "photos": [_jpeg()]}, content_type="multipart/form-data")
    assert response.status_code == 302 and f.count(NotQualityFault) == 0
    assert "mark-not-quality" not in page
