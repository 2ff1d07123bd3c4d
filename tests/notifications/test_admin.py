"""Admins set up group channels, send a test message, watch the outbox and retry."""

import pytest
import sqlalchemy as sa

import factories as f
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.notifications import outbox
from repairapp.notifications.models import Channel, Delivery, DeliveryStatus, Transport
from repairapp.notifications.transports import Smtp


def _form(**changes) -> dict:
    data = {"name": "Service desk", "transport": "wecom", "customer_id": "0",
            "target": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "secret": "", "kinds": ["new", "response_breached"], "is_active": "y"}
    return data | changes


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_admins_see_channels(client, auth, role):
    """Channels hold webhook secrets: 403 for everybody else."""
    auth.login(f.user(role).email)
    assert client.get("/notifications/").status_code == 403
    assert client.get("/notifications/channels/new").status_code == 403


def test_admin_adds_a_customer_channel(client, admin):
    """A channel for one customer's tickets, receiving the chosen events."""
    customer = f.site().customer
    response = admin.post("/notifications/channels/new",
                          _form(customer_id=str(customer.id)), follow_redirects=True)
    assert "Channel saved." in response.get_data(as_text=True)
    channel = db.session.scalar(sa.select(Channel))
    assert channel.customer_id == customer.id and channel.transport is Transport.WECOM
    assert channel.kinds == ["new", "response_breached"]
    assert "Service desk" in client.get("/notifications/").get_data(as_text=True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"target": "qyapi.weixin.qq.com/send"}, "webhook URL (https://"),
    ({"transport": "email", "target": "desk@example.com, not-an-address"},
     "Not an email address: not-an-address"),
    ({"kinds": []}, "Choose at least one event."),
])
def test_bad_channel_input_is_explained_and_kept(client, admin, changes, message):
    """Each mistake gets its message; what was typed stays; nothing is saved."""
    page = admin.post("/notifications/channels/new", _form(**changes)).get_data(as_text=True)
    assert message in page and 'value="Service desk"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Channel)) == 0


def test_test_message_reaches_the_robot_or_says_why_not(client, admin, robot):
    """The test button posts to the real robot; a refusal is shown with its reason."""
    admin.post("/notifications/channels/new", _form(target=robot.hook("desk")))
    channel = db.session.scalar(sa.select(Channel))
    url = f"/notifications/channels/{channel.id}"
    page = admin.post(f"{url}/test", {}, page_url=url, follow_redirects=True)
    assert "Test message sent." in page.get_data(as_text=True)
    assert "Test message" in robot.bodies("desk")[0]["text"]["content"]
    robot.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    page = admin.post(f"{url}/test", {}, page_url=url, follow_redirects=True)
    assert "invalid webhook url" in page.get_data(as_text=True)


def test_outbox_shows_failures_and_retries_them(app, client, admin, robot):
    """A failed delivery shows its error; "Retry now" queues it with fresh attempts."""
    admin.post("/notifications/channels/new", _form(target=robot.hook("desk")))
    robot.answers = [(500, {})]
    ticket = f.ticket()
    outbox.deliver_due(Smtp.from_config(app.config))
    page = client.get("/notifications/").get_data(as_text=True)
    assert ticket.number in page and "HTTP 500" in page and "attempt 1 failed" in page
    delivery = db.session.scalar(sa.select(Delivery))
    admin.post(f"/notifications/deliveries/{delivery.id}/retry", {},
               page_url="/notifications/")
    assert outbox.deliver_due(Smtp.from_config(app.config)) == (1, 0)
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).status is DeliveryStatus.SENT


def test_the_signing_secret_is_never_shown_and_kept_unless_changed(client, admin):
    """The secret is write-only: not in the page; saving without it keeps it; it can go."""
    admin.post("/notifications/channels/new", _form(transport="dingtalk", secret="SEC-xyz"))
    channel = db.session.scalar(sa.select(Channel))
    url = f"/notifications/channels/{channel.id}"
    assert "SEC-xyz" not in client.get(url).get_data(as_text=True)
    admin.post(url, _form(transport="dingtalk", name="Renamed"))
    db.session.expire_all()
    assert channel.name == "Renamed" and channel.secret == "SEC-xyz"
    admin.post(url, _form(transport="dingtalk", clear_secret="y"))
    db.session.expire_all()
    assert channel.secret == ""


def test_a_channel_of_an_archived_customer_keeps_its_customer(client, admin):
    """Saving a channel whose customer was archived must not make it global."""
    customer = f.site().customer
    admin.post("/notifications/channels/new", _form(customer_id=str(customer.id)))
    customer.is_archived = True
    db.session.commit()
    channel = db.session.scalar(sa.select(Channel))
    url = f"/notifications/channels/{channel.id}"
    assert f'<option selected value="{customer.id}">' in client.get(url).get_data(as_text=True)
    admin.post(url, _form(customer_id=str(customer.id), name="Renamed"))
    db.session.expire_all()
    assert channel.name == "Renamed" and channel.customer_id == customer.id
