"""`flask reports send`: each customer's report, emailed once per period, whoever runs it."""

import io
import threading
from datetime import date, timedelta

import pypdfium2
import pytest
import sqlalchemy as sa
from mailserver import free_port

import factories as f
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.notifications.transports import Smtp
from repairapp.servicereports import services
from repairapp.servicereports.models import ServiceReport

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def _customer(name: str, emails: str = "", locale: str = "zh", manager=None):
    site = f.site()
    site.customer.name, site.customer.report_emails = name, emails
    site.customer.report_locale, site.customer.account_manager = locale, manager
    f.asset(site=site)
    db.session.commit()
    return site.customer


def _smtp(app) -> Smtp:
    return Smtp.from_config(app.config)


def _attachment(message) -> bytes:
    [part] = [p for p in message.iter_attachments()]
    assert part.get_content_type() == "application/pdf"
    return part.get_content()


def test_each_customer_gets_its_report_once(app, smtp):
    """Contacts and the account manager get the PDF and the link; a second run sends nothing."""
    manager = f.user(Role.MANAGER, email="am@vendor.example")
    acme = _customer("甲方制造有限公司", "it@acme.example, Boss@Acme.example", manager=manager)
    _customer("Nobody to tell")  # no contacts, no account manager: skipped
    archived = _customer("Gone", "gone@example.com")
    archived.is_archived = True
    db.session.commit()

    outcomes = services.send_period(*Q3, _smtp(app))

    assert [(o.customer, o.result) for o in outcomes] == [("甲方制造有限公司", services.SENT)]
    [(rcpts, message)] = smtp.messages
    assert sorted(rcpts) == ["Boss@Acme.example", "am@vendor.example", "it@acme.example"]
    assert "2026年第3季度" in message["Subject"] and "甲方制造有限公司" in message["Subject"]
    report = db.session.scalars(sa.select(ServiceReport)).one()
    assert services.link(report) in message.get_body(("plain",)).get_content()
    pdf = _attachment(message)
    assert pdf.startswith(b"%PDF") and "甲方制造有限公司" in _text(pdf)
    assert report.sent_at is not None and report.customer_id == acme.id
    assert report.sent_to == "it@acme.example, Boss@Acme.example, am@vendor.example"

    again = services.send_period(*Q3, _smtp(app))
    assert [o.result for o in again] == [services.ALREADY_SENT]
    assert len(smtp.messages) == 1


def test_english_customers_get_english(app, smtp):
    _customer("Acme Ltd", "it@acme.example", locale="en")
    services.send_period(*Q3, _smtp(app))
    [(_rcpts, message)] = smtp.messages
    assert message["Subject"].endswith("] Acme Ltd service report, 2026 Q3")
    assert "Acme Ltd" in _text(_attachment(message))


def test_two_runs_at_once_send_each_report_once(app, smtp):
    """Two cron hosts start the same minute: one email per customer, not two."""
    for n in range(4):
        _customer(f"Customer {n}", f"c{n}@example.com")
    start, results = threading.Barrier(2), []

    def run():
        with app.app_context():
            start.wait()
            results.extend(services.send_period(*Q3, _smtp(app)))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(address for rcpts, _m in smtp.messages for address in rcpts) == [
        f"c{n}@example.com" for n in range(4)]
    assert sum(o.result == services.SENT for o in results) == 4
    assert len(results) == 8  # the other run saw each one sent or being sent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceReport)) == 4


def test_a_failed_send_is_tried_again_next_run(app, smtp):
    """Mail server down: the run says so (exit 1 from the command) and the next run sends."""
    _customer("Acme", "it@acme.example")
    down = Smtp("127.0.0.1", free_port(), "none", "", "", "repairs@example.com", timeout=5)
    [failed] = services.send_period(*Q3, down)
    assert failed.result == services.FAILED and "SMTP" in failed.detail
    report = db.session.scalars(sa.select(ServiceReport)).one()
    assert report.sent_at is None and report.claimed_until is None and report.last_error

    [sent] = services.send_period(*Q3, _smtp(app))
    assert sent.result == services.SENT and len(smtp.messages) == 1
    db.session.refresh(report)
    assert report.send_attempts == 2 and report.last_error == ""


def test_a_claim_left_by_a_dead_run_expires(app, smtp):
    """A run that died while sending holds the row until its lease ends, then it is sent."""
    customer = _customer("Acme", "it@acme.example")
    report = services.issue(customer.id, *Q3)
    now = utcnow()
    assert services.claim(report.id, now - services.LEASE / 2)  # the dead run's claim
    assert [o.result for o in services.send_period(*Q3, _smtp(app), now=now)] == [services.BUSY]
    assert smtp.messages == []
    later = now + services.LEASE
    assert [o.result for o in services.send_period(*Q3, _smtp(app), now=later)] == [
        services.SENT]


def test_a_revoked_report_is_not_sent(app, smtp):
    customer = _customer("Acme", "it@acme.example")
    report = services.issue(customer.id, *Q3)
    services.revoke(report)
    db.session.commit()
    assert [o.result for o in services.send_period(*Q3, _smtp(app))] == [services.REVOKED]
    assert smtp.messages == []


def test_command_sends_the_quarter_just_ended(app, smtp, runner):
    _customer("Acme", "it@acme.example")
    result = runner.invoke(args=["reports", "send", "--quarter", "2026-Q3"])
    assert result.exit_code == 0, result.output
    assert "Acme: sent (it@acme.example)" in result.output
    assert "2026-Q3: 1 sent" in result.output
    again = runner.invoke(args=["reports", "send", "--quarter", "2026Q3"])
    assert "2026-Q3: 1 already sent" in again.output and len(smtp.messages) == 1

    bad = runner.invoke(args=["reports", "send", "--quarter", "Q3"])
    assert bad.exit_code == 2 and "2026-Q3" in bad.output


def test_command_fails_loudly_when_mail_is_down(app, runner):
    _customer("Acme", "it@acme.example")
    saved = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none")
    try:
        result = runner.invoke(args=["reports", "send", "--quarter", "2026-Q3"])
    finally:
        app.config.update(saved)
    assert result.exit_code == 1 and "Acme: failed" in result.output


def test_command_without_mail_set_up_says_so(app, runner):
    assert not app.config["SMTP_HOST"]
    result = runner.invoke(args=["reports", "send"])
    assert result.exit_code == 1 and "REPAIRAPP_SMTP_HOST" in result.output


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 12, 2), (date(2026, 7, 1), date(2026, 9, 30))),
    (date(2027, 1, 1), (date(2026, 10, 1), date(2026, 12, 31))),
    (date(2027, 3, 31), (date(2026, 10, 1), date(2026, 12, 31))),
    (date(2027, 4, 1), (date(2027, 1, 1), date(2027, 3, 31))),
])
def test_the_default_period_is_the_last_full_quarter(today, expected):
    assert services.last_quarter(today) == expected


def test_quarters_parse_and_name():
    assert services.parse_quarter("2027-q1") == (date(2027, 1, 1), date(2027, 3, 31))
    assert services.quarter_name(date(2027, 10, 1)) == "2027-Q4"
    for bad in ("2027-Q5", "2027", "Q1-2027", "2027-Q1 extra"):
        with pytest.raises(ValueError):
            services.parse_quarter(bad)
    assert services.quarter(2028, 1)[1] - services.quarter(2028, 1)[0] == timedelta(days=90)
