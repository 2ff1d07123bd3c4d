"""Renewal notices: 60, 30 and 7 days before the end, once per contract and threshold."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

import factories as f
from repairapp.accounts.models import Role
from repairapp.billing.models import RenewalNotice
from repairapp.billing.notices import due_threshold, queue_renewal_notices
from repairapp.billing.renewals import today
from repairapp.contracts.models import ServiceLevel
from repairapp.extensions import db
from repairapp.notifications.models import Delivery

D = Decimal
TODAY = date(2026, 6, 10)


@pytest.fixture
def customer():
    """A customer with two report contacts (Chinese) and an English-reading account manager."""
    site = f.site()
    site.customer.report_emails = "it@customer.example, boss@customer.example"
    site.customer.account_manager = f.user(Role.MANAGER, email="am@vendor.example", locale="en")
    db.session.commit()
    return site


@pytest.fixture
def plan():
    return f.plan(level=ServiceLevel.H16, name="16h site", fee_rate_percent=D(8))


def ending_in(days: int, site, plan, asset=None, **kw):
    end = TODAY + timedelta(days=days)
    return f.contract(asset or f.asset(site=site), plan, end - timedelta(days=364), end,
                      amount=D("12800.00"), **kw)


def notices() -> list[tuple[int, int, int]]:
    return [tuple(row) for row in db.session.execute(sa.select(
        RenewalNotice.contract_id, RenewalNotice.threshold_days, RenewalNotice.days_left)
        .order_by(RenewalNotice.contract_id, RenewalNotice.threshold_days))]


@pytest.mark.parametrize("days_left,threshold", [
    (61, None), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)])
def test_the_most_urgent_threshold_reached(days_left, threshold):
    """60, 30, 7 days before the end, the end day included; nothing once it has ended."""
    assert due_threshold(days_left) == threshold


def test_each_threshold_once_as_the_end_nears(customer, plan):
    """Day by day from 61 days before the end to the end: three notices, 60, 30 and 7."""
    contract = ending_in(61, customer, plan)
    for day in range(62):
        queue_renewal_notices(TODAY + timedelta(days=day))
        db.session.commit()
    assert notices() == [(contract.id, 7, 7), (contract.id, 30, 30), (contract.id, 60, 60)]


def test_a_late_sweep_sends_only_the_most_urgent(customer, plan):
    """Found with 12 days left and nothing sent: the 30-day notice alone, then the 7-day one."""
    contract = ending_in(12, customer, plan)
    assert queue_renewal_notices(TODAY) == 1
    db.session.commit()
    assert notices() == [(contract.id, 30, 12)]
    queue_renewal_notices(TODAY + timedelta(days=5))
    assert notices() == [(contract.id, 7, 7), (contract.id, 30, 12)]


def test_renewed_ended_far_or_archived_contracts_get_none(customer, plan):
    """A later contract for the same machine, more than 60 days left, over, or archived."""
    machine = f.asset(site=customer)
    ending_in(20, customer, plan, asset=machine)
    ending_in(385, customer, plan, asset=machine)  # the renewal, signed already
    ending_in(61, customer, plan)
    ending_in(-1, customer, plan)
    ending_in(20, customer, plan, is_archived=True)
    assert queue_renewal_notices(TODAY) == 0 and notices() == []


def test_another_machines_later_contract_is_no_renewal(customer, plan):
    """A later contract of the same customer for another machine leaves the notice due."""
    contract = ending_in(20, customer, plan)
    ending_in(385, customer, plan)
    queue_renewal_notices(TODAY)
    assert notices() == [(contract.id, 30, 20)]


def test_the_notice_goes_to_the_contacts_and_the_account_manager(customer, plan, app):
    """Contacts read Chinese with the quote and no staff link; the manager English with it."""
    contract = ending_in(30, customer, plan, number="HT-2026-030")
    queue_renewal_notices(TODAY)
    db.session.commit()
    mails = {d.recipient: d for d in db.session.scalars(sa.select(Delivery))}
    assert sorted(mails) == ["am@vendor.example", "boss@customer.example", "it@customer.example"]
    assert all(d.notification_id is None for d in mails.values())
    contact, manager = mails["it@customer.example"], mails["am@vendor.example"]
    link = f"/contracts/{contract.id}/renewal"
    assert "续保" in contact.subject and "HT-2026-030" in contact.subject
    assert "¥1,024.00" in contact.body and link not in contact.body
    assert app.config["VENDOR_HOTLINE"] in contact.body
    assert manager.subject.startswith("[") and "Renewal: contract HT-2026-030" in manager.subject
    assert "(30 days left)" in manager.subject and link in manager.body
    assert "Same plan · 16h site: ¥1,024.00, tax ¥57.96 included" in manager.body
    [notice] = db.session.scalars(sa.select(RenewalNotice))
    assert notice.sent_to.count("@") == 3


def test_with_nobody_to_tell_the_admins_hear_of_it(plan):
    """No contacts and no account manager: the active admins get the notice."""
    site = f.site()
    f.user(Role.ADMIN, email="boss@vendor.example")
    f.user(Role.ADMIN, email="gone@vendor.example", is_active=False)
    ending_in(7, site, plan)
    queue_renewal_notices(TODAY)
    assert [d.recipient for d in db.session.scalars(sa.select(Delivery))] == [
        "boss@vendor.example"]


def test_two_sweeps_at_once_queue_each_notice_once(app, customer, plan):
    """Two servers sweeping at the same moment: one notice per contract, one email each."""
    contracts = [ending_in(days, customer, plan) for days in (5, 25, 55)]
    start = threading.Barrier(2)
    errors = []

    def sweep():
        with app.app_context():
            try:
                start.wait()
                queue_renewal_notices(TODAY)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 -- reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert notices() == [(contracts[0].id, 7, 5), (contracts[1].id, 30, 25),
                         (contracts[2].id, 60, 55)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 3 * 3


def test_the_minute_sweep_sends_each_notice_once(runner, customer, plan, smtp):
    """`flask sla sweep` three times: the notice is queued, then mailed once to each."""
    end = today() + timedelta(days=30)
    f.contract(f.asset(site=customer), plan, end - timedelta(days=364), end,
               amount=D("12800.00"), number="HT-MAIL-1")
    for _ in range(3):
        result = runner.invoke(args=["sla", "sweep"])
        assert result.exit_code == 0, result.output
    to = sorted(address for rcpts, _message in smtp.messages for address in rcpts)
    assert to == ["am@vendor.example", "boss@customer.example", "it@customer.example"]
    [manager] = smtp.to("am@vendor.example")
    assert "HT-MAIL-1" in manager["Subject"] and "/renewal" in manager.get_content()
