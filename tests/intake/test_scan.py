"""The public scan page and filing a request from it."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image

import factories as f
from factories import count
from intake.conftest import Requester, jpeg_bytes, scan_url
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.intake import services as held_photos
from repairapp.intake.models import HeldPhoto
from repairapp.tickets.models import Status, Ticket, TicketEvent, TicketPhoto
from repairapp.tickets.photos import Photo


def test_scan_page_identifies_the_machine_without_login(client, covered_asset):
    """Tag, name, model, site, customer and the coverage promise are shown to anyone."""
    html = client.get(scan_url(covered_asset), headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    for text in (covered_asset.tag, "WMS server", "R750", covered_asset.site.name,
                 covered_asset.site.customer.name, "Level A contract until 2099-12-31",
                 "Response within 1 hour (by "):
        assert text in html


def test_upper_case_url_and_misread_letters_open_the_same_page(client, covered_asset):
    """/R/<CODE>, a lower-case code, and O/I/L typed for 0/1 all find the label."""
    code = covered_asset.active_label.code
    typed = code.lower().replace("0", "o").replace("1", "l")
    for url in (f"/R/{code}", f"/r/{code.lower()}", f"/r/{typed}"):
        assert client.get(url).status_code == 200, url


def test_unknown_code_is_a_plain_404_and_writes_nothing(client, covered_asset):
    """An unknown code shows one plain page; posting to it creates no ticket."""
    for url in ("/r/ZZZZZZZZZZZZ", "/r/short", "/r/" + "A" * 40):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"name": "x"}).status_code == 404
    assert count(Ticket) == 0 and count(TicketEvent) == 0


def test_replaced_label_says_so_and_writes_nothing(client, covered_asset):
    """A revoked label no longer opens its asset: it says it was replaced; posts write nothing."""
    label = covered_asset.active_label
    label.revoked_at = utcnow()
    db.session.commit()
    client.set_cookie("lang", "en")
    response = client.get(f"/r/{label.code}")
    assert response.status_code == 410 and "label was replaced" in response.get_data(as_text=True)
    assert covered_asset.name not in response.get_data(as_text=True)
    assert client.post(f"/r/{label.code}", data={"name": "x"}).status_code == 410
    assert count(Ticket) == 0


def test_submission_creates_ticket_and_redirects_to_confirmation(requester):
    """A valid request makes one ticket and shows its number and tracking link."""
    response = requester.submit()
    assert response.status_code == 302
    ticket = db.session.scalar(sa.select(Ticket))
    assert response.headers["Location"] == f"/t/{ticket.tracking_token}/submitted"
    page = requester.client.get(response.headers["Location"]).get_data(as_text=True)
    assert ticket.number in page and f"/t/{ticket.tracking_token}" in page
    assert ticket.status is Status.NEW and ticket.requester_name == "周师傅"
    assert [e.kind.value for e in ticket.events] == ["created"]


def test_the_confirmation_says_where_the_email_will_go(requester):
    """An email left on the form is confirmed back; without one, no promise is made."""
    with_email = requester.submit(email="zhou@customer.cn").headers["Location"]
    page = requester.client.get(with_email).get_data(as_text=True)
    assert "We will email zhou@customer.cn when it is fixed" in page
    without = requester.submit().headers["Location"]
    assert "We will email" not in requester.client.get(without).get_data(as_text=True)


def test_same_form_submitted_twice_makes_one_ticket(requester):
    """A double tap or a retry with the same form key returns the first ticket."""
    html = requester.open().get_data(as_text=True)
    first = requester.submit(html)
    second = requester.submit(html)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Ticket) == 1


def test_two_forms_make_two_tickets(requester):
    """Two separately opened forms are two requests."""
    requester.submit()
    requester.submit()
    assert count(Ticket) == 2


def test_validation_errors_keep_everything_typed(requester):
    """A bad phone number is explained next to the field; every other answer stays."""
    html = requester.open().get_data(as_text=True)
    response = requester.submit(html, phone="abc", description="Spindle alarm 报警")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a phone number we can call" in page
    assert "Spindle alarm 报警" in page and 'value="周师傅"' in page
    assert re.search(r'value="error" checked|checked[^>]*value="error"', page)
    assert requester.form_fields(page)["key"] == requester.form_fields(html)["key"]
    assert count(Ticket) == 0


def test_missing_choices_are_reported_in_chinese(requester):
    """A Chinese browser gets the messages in Chinese."""
    requester.client.set_cookie("lang", "zh")
    page = requester.submit(category=None, impact=None).get_data(as_text=True)
    assert "请选择故障类型。" in page and "请选择影响程度" in page
    assert count(Ticket) == 0


def test_missing_csrf_token_rerenders_with_input_and_writes_nothing(requester):
    """A lost or forged CSRF token never files a ticket, but the typed text survives."""
    response = requester.submit(csrf_token="forged", description="keep me")
    assert response.status_code == 422
    assert "keep me" in response.get_data(as_text=True)
    assert count(Ticket) == 0


def test_photos_survive_a_mistake_elsewhere_on_the_form(requester):
    """Photos sent with a bad phone number are kept; the corrected form files them."""
    html = requester.open().get_data(as_text=True)
    first = requester.submit(html, phone="abc", photos=[jpeg_bytes(), jpeg_bytes(color="blue")])
    assert first.status_code == 422
    assert "2 photos from your last try are kept" in first.get_data(as_text=True)
    again = requester.submit(first.get_data(as_text=True))  # phone fixed, no files this time
    assert again.status_code == 302 and count(Ticket) == 1
    assert count(TicketPhoto) == 2 and count(HeldPhoto) == 0


def test_new_photos_replace_the_kept_ones(requester):
    """Attaching photos on the corrected form uses those instead of the kept ones."""
    html = requester.open().get_data(as_text=True)
    first = requester.submit(html, phone="abc", photos=[jpeg_bytes(), jpeg_bytes()])
    requester.submit(first.get_data(as_text=True), photos=[jpeg_bytes(color="green")])
    assert count(TicketPhoto) == 1 and count(HeldPhoto) == 0


def test_photos_are_reencoded_downscaled_and_stripped(requester, app):
    """A 3000x2000 phone photo with GPS EXIF is stored as a bounded JPEG without EXIF."""
    requester.submit(photos=[jpeg_bytes(exif_gps=True), jpeg_bytes(color="blue")])
    photos = db.session.scalars(sa.select(TicketPhoto)).all()
    assert len(photos) == 2
    limit = app.config["PHOTO_MAX_PIXELS"]
    for photo in photos:
        img = Image.open(io.BytesIO(photo.content))
        assert img.format == "JPEG" and max(img.size) == limit
        assert not img.getexif()


def test_more_than_three_photos_is_refused(requester):
    """Four photos get a message and no ticket."""
    response = requester.submit(photos=[jpeg_bytes((20, 20))] * 4)
    assert response.status_code == 422 and count(Ticket) == 0


def test_a_file_that_is_not_an_image_is_refused(requester):
    """A PDF renamed .jpg is a validation error, not a crash."""
    response = requester.submit(photos=[b"%PDF-1.4 not an image"])
    assert response.status_code == 422 and count(Ticket) == 0


def test_name_and_phone_are_remembered_on_the_phone(requester, covered_asset):
    """After one request, the next form on the same phone is pre-filled, for /r/ and /R/."""
    requester.submit(name="Liu Wei", phone="+86 138 0013 8000")
    for url in (requester.url, f"/R/{covered_asset.active_label.code}"):
        page = requester.client.get(url).get_data(as_text=True)
        assert 'value="Liu Wei"' in page and 'value="+86 138 0013 8000"' in page, url


def test_garbled_remember_cookie_is_ignored(requester):
    """A broken or hostile cookie just means an empty form."""
    requester.client.set_cookie("requester", "[" * 4000)
    assert requester.open().status_code == 200


def test_open_ticket_is_shown_first_and_info_can_be_added(requester, covered_asset):
    """A second visitor sees the open request and adds to it instead of duplicating it."""
    requester.submit()
    ticket = db.session.scalar(sa.select(Ticket))
    html = requester.open().get_data(as_text=True)
    assert ticket.number in html
    response = requester.client.post(f"{scan_url(covered_asset)}/add", data={
        "note": "Also smoking now", "name": "Zhao", "csrf_token": requester.form_fields(html)[
            "csrf_token"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert count(Ticket) == 1
    assert [e.kind.value for e in ticket.events] == ["created", "info_added"]
    assert ticket.events[-1].note == "Also smoking now"


def test_add_info_without_note_keeps_input(requester, covered_asset):
    """Adding information needs a note; the name typed stays."""
    requester.submit()
    html = requester.open().get_data(as_text=True)
    response = requester.client.post(f"{scan_url(covered_asset)}/add", data={
        "note": "", "name": "Zhao Keep", "csrf_token": requester.form_fields(html)["csrf_token"]})
    assert response.status_code == 422 and "Zhao Keep" in response.get_data(as_text=True)


def test_add_info_keeps_its_photo_while_the_note_is_written(requester, covered_asset):
    """A photo sent without the required note is kept and arrives with the note."""
    requester.submit()
    html = requester.open().get_data(as_text=True)
    info_key = re.findall(r'name="key" type="hidden" value="([^"]+)"', html)[0]  # 1st form
    fields = {"name": "Zhao", "csrf_token": requester.form_fields(html)["csrf_token"],
              "key": info_key}
    url = f"{scan_url(covered_asset)}/add"
    first = requester.client.post(url, data={**fields, "note": "", "photos": [
        (io.BytesIO(jpeg_bytes()), "p.jpg")]}, content_type="multipart/form-data")
    assert first.status_code == 422
    assert "1 photo from your last try is kept" in first.get_data(as_text=True)
    requester.client.post(url, data={**fields, "note": "Oil on the floor"},
                          content_type="multipart/form-data")
    event = db.session.scalar(sa.select(TicketEvent).where(
        TicketEvent.note == "Oil on the floor"))
    assert event is not None and count(TicketPhoto) == 1 and count(HeldPhoto) == 0
    assert db.session.scalar(sa.select(TicketPhoto)).event_id == event.id


def test_chargeable_asset_warns_before_submission(client):
    """A never-covered machine says "Not covered — chargeable" before the form."""
    f.standard_plans()
    machine = f.asset(accepted=None, warranty_months=0)
    page = client.get(scan_url(machine), headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Not covered — chargeable" in page
    assert "charged per incident" in page


def test_scan_page_sends_a_same_host_only_content_security_policy(client, covered_asset):
    """The Content-Security-Policy header confines scripts, styles and images to this host."""
    response = client.get(scan_url(covered_asset))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "Accept-Language" in response.headers["Vary"]


def test_same_key_on_another_asset_does_not_reveal_that_ticket(requester, client):
    """Keys are scoped to the asset: reusing one elsewhere files a new, separate request."""
    html = requester.open().get_data(as_text=True)
    first = requester.submit(html)
    other = Requester(client, scan_url(f.asset()))
    second = other.submit(other.open().get_data(as_text=True),
                          key=requester.form_fields(html)["key"])
    assert second.status_code == 302
    assert first.headers["Location"] != second.headers["Location"]
    assert count(Ticket) == 2


def test_text_sent_as_photos_field_is_not_a_crash(requester):
    """A plain text value where files are expected is ignored, not a server error."""
    html = requester.open().get_data(as_text=True)
    response = requester.client.post(requester.url, data={
        **requester.form_fields(html), "category": "error", "impact": "minor",
        "name": "A", "phone": "13900000001", "photos": "abc"})
    assert response.status_code == 302 and count(Ticket) == 1


def test_decompression_bomb_is_refused_without_decoding(requester):
    """A tiny PNG of 8000x8000 pixels (64 MP, more than any phone photo) is refused."""
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 100_000
    response = requester.submit(photos=[bomb.getvalue()])
    assert response.status_code == 422 and count(Ticket) == 0


def test_nul_bytes_are_refused_before_the_database(requester, client):
    """NUL in a field or a URL gets a plain 400 on every database, and nothing is written."""
    assert requester.submit(description="bad\x00byte").status_code == 400
    assert client.get("/t/abc%00defghijklmnopqrst").status_code == 400
    assert count(Ticket) == 0


def test_mangled_key_gets_a_message_and_a_fresh_key(requester):
    """A form whose hidden key was lost asks to send again, with a usable new key."""
    response = requester.submit(key="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "press Send again" in page
    assert len(requester.form_fields(page)["key"]) == 32
    assert requester.submit(page).status_code == 302


def test_note_for_a_ticket_closed_meanwhile_becomes_a_new_request(requester, covered_asset):
    """If the open ticket closed while typing, the note is kept in a new request form."""
    requester.submit()
    html = requester.open().get_data(as_text=True)
    ticket = db.session.scalar(sa.select(Ticket))
    ticket.status = Status.CLOSED
    db.session.commit()
    response = requester.client.post(f"{scan_url(covered_asset)}/add", data={
        "note": "Now it smokes", "name": "Zhao",
        "csrf_token": requester.form_fields(html)["csrf_token"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Now it smokes" in page and "Zhao" in page
    assert len(ticket.events) == 1


def test_photos_of_abandoned_forms_are_forgotten_after_a_day(runner):
    """The minute sweep deletes photos held for forms nobody corrected within a day."""
    held_photos.hold("k" * 32, [Photo(b"jpeg", 1, 1)])
    held_photos.hold("n" * 32, [Photo(b"jpeg", 1, 1)])
    db.session.execute(sa.update(HeldPhoto).where(HeldPhoto.form_key == "k" * 32)
                       .values(created_at=utcnow() - timedelta(days=1, minutes=1)))
    db.session.commit()
    assert runner.invoke(args=["sla", "sweep"]).exit_code == 0
    db.session.expire_all()
    assert [p.form_key for p in db.session.scalars(sa.select(HeldPhoto))] == ["n" * 32]
