"""Phone numbers are checked as phone numbers on the request form and the site form."""

import pytest
import sqlalchemy as sa

import factories as f
from intake.conftest import Requester, scan_url
from repairapp.customers.models import Site
from repairapp.extensions import db
from repairapp.main.phones import phone_problem
from repairapp.tickets.models import Ticket

VALID = [
    "139 0000 0001", "13900000001", "139-0000-0001", "+86 139 0000 0001",  # mainland mobiles
    "021-6123 4567", "0755 8888 8888", "(021) 6123 4567", "010-12345678",  # landlines
    "021-6123 4567 转 801", "021-6123 4567-801", "0755 8888 8888 ext. 12",  # extensions
    "400-000-0000",  # service hotline
    "+49 30 1234567", "+1 202 555 0143",  # abroad
]
INVALID = {
    "1390000": "11 digits starting with 1",
    "139 0000 00011": "11 digits starting with 1",
    "12345678901": "11 digits starting with 1",  # no mobile network uses 123
    "6123 4567": "Add the area code",
    "021 6123 456": "Check the area code",
    "+49 30": "after the country code",
    "abc": "Enter a phone number we can call",
    "139 0000 000a": "Enter a phone number we can call",
}


@pytest.mark.parametrize("number", VALID)
def test_numbers_one_can_call_pass(app, number):
    """Mobiles, landlines with area code (and extension), hotlines and +country numbers."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert phone_problem(number) is None


@pytest.mark.parametrize(("number", "message"), INVALID.items())
def test_wrong_numbers_say_what_is_wrong(app, number, message):
    """Each kind of mistake gets its own message."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert message in str(phone_problem(number))


@pytest.fixture
def requester(client):
    return Requester(client, scan_url(f.asset()))


def test_request_form_refuses_a_short_mobile_and_keeps_what_was_typed(requester):
    """A 7-digit mobile comes back with the message in Chinese, the typed number kept."""
    requester.client.set_cookie("lang", "zh")
    response = requester.submit(phone="139 0000")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请检查手机号码：11 位数字，以 1 开头" in page
    assert 'value="139 0000"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_request_form_takes_a_landline_with_extension(requester):
    """A Shanghai landline with an extension files the request, stored as typed."""
    assert requester.submit(phone="021-6123 4567 转 801").status_code == 302
    assert db.session.scalar(sa.select(Ticket.requester_phone)) == "021-6123 4567 转 801"


def test_site_contact_phone_is_checked(client, admin):
    """The site form refuses a landline without area code and saves a number abroad."""
    customer = f.site().customer
    url, page = f"/customers/{customer.id}/sites", f"/customers/{customer.id}"
    fields = {"name": "Hamburg", "timezone": "Europe/Berlin"}
    bad = admin.post(url, {**fields, "contact_phone": "6123 4567"}, page_url=page)
    assert bad.status_code == 422 and "Add the area code" in bad.get_data(as_text=True)
    assert 'value="6123 4567"' in bad.get_data(as_text=True)
    admin.post(url, {**fields, "contact_phone": "+49 40 1234567"}, page_url=page)
    saved = db.session.scalar(sa.select(Site).where(Site.name == "Hamburg"))
    assert saved.contact_phone == "+49 40 1234567"
