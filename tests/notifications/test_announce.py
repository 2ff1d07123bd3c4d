"""Who hears about a ticket, over real SMTP and real HTTP, and how failures are retried."""

import base64
import hashlib
import hmac
from datetime import timedelta

import factories as f
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.notifications import outbox
from repairapp.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Transport,
)
from repairapp.notifications.transports import Smtp
from repairapp.tickets import work
from repairapp.tickets.models import Status, WorkType


def _send(app, now=None):
    return outbox.deliver_due(Smtp.from_config(app.config), now)


def _channel(transport, target, **kw) -> Channel:
    channel = Channel(name=kw.pop("name", transport.value), transport=transport, target=target,
                      **kw)
    db.session.add(channel)
    db.session.commit()
    return channel


def test_new_ticket_emails_the_dispatchers_only(app, smtp):
    """A new ticket reaches every active dispatcher by email, with the staff link."""
    desk = f.user(Role.DISPATCHER, email="desk@example.com")
    f.user(Role.DISPATCHER, email="gone@example.com", is_active=False)
    f.user(Role.TECHNICIAN, email="tech@example.com")
    ticket = f.ticket(description="Spindle alarm 41")
    assert _send(app) == (1, 0)
    [message] = smtp.to(desk.email)
    assert ticket.number in message["Subject"] and ticket.asset.name in message["Subject"]
    body = message.get_content()
    assert "Spindle alarm 41" in body and f"/tickets/{ticket.id}" in body
    assert not smtp.to("gone@example.com") and not smtp.to("tech@example.com")


def test_admins_hear_of_new_tickets_when_nobody_dispatches(app, smtp):
    """A small shop without dispatchers: the admins get the new-ticket email."""
    boss = f.user(Role.ADMIN, email="boss@example.com")
    f.ticket()
    _send(app)
    assert len(smtp.to(boss.email)) == 1


def test_assignment_tells_the_technician_but_taking_a_job_does_not(app, smtp):
    """Assigned by a dispatcher: the technician is told; a technician taking it: silence."""
    desk, tech = f.user(Role.DISPATCHER), f.user(Role.TECHNICIAN, email="wang@example.com")
    assigned, taken = f.ticket(), f.ticket()
    work.assign(assigned, tech, by=desk)
    work.take(taken, tech)
    db.session.commit()
    _send(app)
    [message] = smtp.to(tech.email)
    assert assigned.number in message["Subject"] and tech.name in message["Subject"]


def test_resolved_emails_the_requester_their_tracking_link(app, smtp):
    """The requester who left an email gets the tracking link to confirm and rate."""
    tech = f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=tech, status=Status.ACKNOWLEDGED,
                      requester_email="zhou@customer.cn")
    silent = f.ticket(assignee=tech, status=Status.ACKNOWLEDGED)
    for t in (ticket, silent):
        work.resolve(t, tech, resolution_note="Replaced the fuse", work_type=WorkType.REMOTE)
    db.session.commit()
    _send(app)
    [message] = smtp.to("zhou@customer.cn")
    body = message.get_content()
    assert f"/t/{ticket.tracking_token}" in body and "Replaced the fuse" in body
    assert "13900000001" not in body  # staff details stay with staff
    assert len(smtp.messages) == 1


def test_group_robots_get_their_own_json(app, robot):
    """WeCom, DingTalk and Feishu each receive their documented text message format."""
    for transport in (Transport.WECOM, Transport.DINGTALK, Transport.FEISHU):
        _channel(transport, robot.hook(transport.value))
    robot.answers = [(200, {"errcode": 0, "errmsg": "ok"}), (200, {"errcode": 0}),
                     (200, {"code": 0, "msg": "success"})]
    ticket = f.ticket()
    assert _send(app) == (3, 0)
    [wecom], [ding], [feishu] = (robot.bodies(t.value) for t in
                                 (Transport.WECOM, Transport.DINGTALK, Transport.FEISHU))
    assert wecom["msgtype"] == "text" and ticket.number in wecom["text"]["content"]
    assert ding["msgtype"] == "text" and ticket.number in ding["text"]["content"]
    assert feishu["msg_type"] == "text" and ticket.number in feishu["content"]["text"]


def test_signed_robots_carry_a_valid_signature(app, robot):
    """DingTalk signs in the query string, Feishu in the body, both HMAC-SHA256."""
    _channel(Transport.DINGTALK, robot.hook("ding"), secret="SECding")
    _channel(Transport.FEISHU, robot.hook("feishu"), secret="SECfeishu")
    f.ticket()
    _send(app)
    [(_, query, _)] = [r for r in robot.received if r[0] == "/ding"]
    stamp = query["timestamp"][0]
    expected = hmac.new(b"SECding", f"{stamp}\nSECding".encode(), hashlib.sha256).digest()
    assert query["sign"][0] == base64.b64encode(expected).decode()
    [body] = robot.bodies("feishu")
    expected = hmac.new(f"{body['timestamp']}\nSECfeishu".encode(), b"", hashlib.sha256)
    assert body["sign"] == base64.b64encode(expected.digest()).decode()


def test_customer_channels_hear_only_their_customer(app, robot):
    """A customer's channel gets its own tickets; a global channel gets every ticket."""
    mine = f.asset()
    _channel(Transport.WECOM, robot.hook("global"))
    _channel(Transport.WECOM, robot.hook("mine"), customer_id=mine.site.customer_id)
    f.ticket(mine)
    f.ticket()
    _send(app)
    assert len(robot.bodies("global")) == 2 and len(robot.bodies("mine")) == 1


def test_a_channel_hears_only_the_kinds_it_chose(app, robot):
    """A channel set to breaches only ignores new tickets; switched-off channels hear nothing."""
    _channel(Transport.WECOM, robot.hook("escalation"),
             kinds=[NotificationKind.RESPONSE_BREACHED.value])
    _channel(Transport.WECOM, robot.hook("off"), is_active=False)
    _channel(Transport.WECOM, robot.hook("desk"))
    f.ticket()
    _send(app)
    assert [path for path, _, _ in robot.received] == ["/desk"]


def test_a_failing_robot_is_retried_with_back_off_and_loses_nothing(app, robot):
    """HTTP 500, then an error code in a 200: kept with the reason, retried later, then sent."""
    _channel(Transport.WECOM, robot.hook("flaky"))
    robot.answers = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    ticket = f.ticket()
    now = utcnow()
    assert _send(app, now) == (0, 1)
    delivery = db.session.scalar(db.select(Delivery))
    assert delivery.status is DeliveryStatus.PENDING and delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert _send(app, now + timedelta(seconds=30)) == (0, 0)  # not yet
    assert _send(app, now + timedelta(minutes=1)) == (0, 1)
    db.session.expire_all()
    assert "93000" in delivery.last_error
    assert delivery.next_attempt_at == now + timedelta(minutes=1 + 2)
    assert _send(app, now + timedelta(minutes=3)) == (1, 0)
    db.session.expire_all()
    assert delivery.status is DeliveryStatus.SENT and delivery.attempts == 3
    assert len(robot.bodies("flaky")) == 3 and ticket.number in robot.bodies("flaky")[-1][
        "text"]["content"]


def test_delivery_gives_up_after_the_last_attempt(app, robot, caplog):
    """A robot that never answers well ends as failed, logged, after MAX_ATTEMPTS."""
    _channel(Transport.WECOM, robot.hook("dead"))
    robot.answers = [(502, {})] * outbox.MAX_ATTEMPTS
    f.ticket()
    now = utcnow()
    for _ in range(outbox.MAX_ATTEMPTS):
        now += timedelta(hours=3)
        _send(app, now)
    delivery = db.session.scalar(db.select(Delivery))
    db.session.refresh(delivery)
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == outbox.MAX_ATTEMPTS
    assert "gave up" in caplog.text


def test_an_unreachable_mail_server_keeps_the_message_for_later(app, smtp, runner):
    """SMTP down: filing works, the sweep reports the failure and keeps the email queued."""
    f.user(Role.DISPATCHER)
    app.config["SMTP_PORT"] = 1  # nothing listens there
    ticket = f.ticket()
    result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0 and "failed 1" in result.output
    delivery = db.session.scalar(db.select(Delivery))
    assert delivery.status is DeliveryStatus.PENDING and "SMTP" in delivery.last_error
    assert db.session.get(type(ticket), ticket.id) is not None


def test_without_a_mail_server_no_email_is_queued(app):
    """No REPAIRAPP_SMTP_HOST: nothing is queued that could never be sent."""
    f.user(Role.DISPATCHER)
    f.ticket()
    assert db.session.scalar(db.select(db.func.count()).select_from(Delivery)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1


def test_a_sweep_whose_claim_expired_does_not_overwrite_the_new_owner(app, robot):
    """A sweep slower than the lease loses its claim; its late outcome is not stored."""
    _channel(Transport.WECOM, robot.hook("desk"))
    f.ticket()
    delivery = db.session.scalar(db.select(Delivery))
    now = utcnow()
    slow = outbox.claim(delivery.id, now)
    fast = outbox.claim(delivery.id, now + outbox.LEASE + timedelta(seconds=1))
    assert (slow, fast) == (1, 2)
    robot.answers = [(500, {})]
    outbox.deliver(delivery.id, slow, None, now)  # fails, but the claim is no longer its
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).status is DeliveryStatus.SENDING
    assert outbox.deliver(delivery.id, fast, None, now)
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).status is DeliveryStatus.SENT


def test_retry_now_leaves_a_message_being_sent_alone(app, robot):
    """"Retry now" on a message a sweep is sending changes nothing (no second copy)."""
    _channel(Transport.WECOM, robot.hook("desk"))
    f.ticket()
    delivery = db.session.scalar(db.select(Delivery))
    outbox.claim(delivery.id, utcnow())
    assert outbox.retry_now(delivery.id) is False
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).attempts == 1


def test_a_sweep_stops_claiming_when_its_time_is_up(app, robot):
    """Past its time budget a sweep leaves the rest for the next one."""
    _channel(Transport.WECOM, robot.hook("desk"))
    f.ticket()
    assert outbox.deliver_due(None, budget=timedelta(0)) == (0, 0)
    assert outbox.deliver_due(None) == (1, 0)
