"""The contract page's money, recording a payment, the renewal quote page and its PDF."""

from datetime import date, timedelta
from decimal import Decimal

import pypdfium2
import pytest
import sqlalchemy as sa

import factories as f
from repairapp.accounts.models import Role
from repairapp.billing.renewals import today
from repairapp.contracts.models import Contract, ServiceLevel
from repairapp.extensions import db

D = Decimal
L = ServiceLevel


def pdf_text(data: bytes) -> str:
    """Every page's text, as a reader's copy and paste would give it."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def plans():
    return {level: f.plan(level=level, name=name, fee_rate_percent=rate)
            for level, name, rate in ((L.H8, "8h site", D(7)), (L.H16, "16h site", D(8)),
                                      (L.H24, "24h site", D(10)))}


@pytest.fixture
def lapsed_contract(plans):
    """A 16 h contract that ended 73 days ago (to the day the quote is made)."""
    now = today()
    end = now - timedelta(days=74)
    start = end.replace(year=end.year - 1) + timedelta(days=1)
    customer = f.site(customer=None).customer
    customer.name = "华东精密"
    db.session.commit()
    return f.contract(f.asset(site=f.site(customer=customer)), plans[L.H16], start, end,
                      amount=D("12800.00"), number="HT-2025-007")


def test_contract_page_shows_fee_and_payment(client, admin, plans):
    """Rate, annual fee, term fee, tax contained, unpaid; then paid on a day with a reference."""
    contract = f.contract(f.asset(), plans[L.H16], date(2025, 1, 1), date(2025, 12, 31),
                          amount=D("12800.00"))
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    for text in ("8% of the contract amount a year", "¥12,800.00", "¥1,024.00",
                 "tax ¥57.96 included", "Unpaid", "Renewal quote"):
        assert text in page, text
    response = admin.post(f"/contracts/{contract.id}/payment",
                          {"paid_on": "2024-12-20", "payment_reference": "ICBC 8812"},
                          page_url=f"/contracts/{contract.id}")
    assert response.status_code == 302
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Paid on 2024-12-20, reference ICBC 8812" in page
    db.session.expire_all()
    stored = db.session.get(Contract, contract.id)
    assert (stored.paid_on, stored.payment_reference) == (date(2024, 12, 20), "ICBC 8812")


def test_a_payment_can_be_undone_and_needs_a_day(client, admin, plans):
    """A reference without a day is refused; no day at all marks the contract unpaid."""
    contract = f.contract(f.asset(), plans[L.H8], date(2025, 1, 1), date(2025, 12, 31),
                          paid_on=date(2025, 1, 2), payment_reference="X")
    url = f"/contracts/{contract.id}"
    bad = admin.post(f"{url}/payment", {"paid_on": "", "payment_reference": "ICBC"},
                     page_url=url)
    assert bad.status_code == 422 and "Give the day it was paid" in bad.get_data(as_text=True)
    admin.post(f"{url}/payment", {"paid_on": "", "payment_reference": ""}, page_url=url)
    db.session.expire_all()
    stored = db.session.get(Contract, contract.id)
    assert (stored.paid_on, stored.payment_reference) == (None, "")


def test_contract_renewed_after_a_lapse_shows_the_back_payment(client, admin, plans):
    """Warranty to 2025-01-10, contract from 2025-05-01 at 1,024 a year: 110 days, 308.60."""
    asset = f.asset(accepted=date(2024, 1, 10))
    contract = f.contract(asset, plans[L.H16], date(2025, 5, 1), date(2026, 4, 30),
                          amount=D("12800.00"))
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    # 1,024 x 110 / 365 = 308.60274; total 1,332.60, of which tax 75.43 (75.430188)
    for text in ("¥308.60", "¥1,332.60", "tax ¥75.43 included", "2025-01-11", "2025-04-30",
                 "110 days"):
        assert text in page, text


def test_plan_form_takes_exactly_one_fee(client, admin):
    """An extended plan needs a rate or a fixed fee, not both; a warranty plan none."""
    base = {"name": "Gold", "kind": "EXTENDED", "service_level": "A"}
    both = admin.post("/contracts/plans/new", {**base, "fee_rate_percent": "8",
                                               "fee_annual": "1000"})
    assert both.status_code == 422 and "not both" in both.get_data(as_text=True)
    neither = admin.post("/contracts/plans/new", base)
    assert neither.status_code == 422 and "yearly fee" in neither.get_data(as_text=True)
    free = admin.post("/contracts/plans/new", {"name": "W", "kind": "WARRANTY",
                                               "fee_annual": "1000"})
    assert "Only extended contract plans" in free.get_data(as_text=True)
    admin.post("/contracts/plans/new", {**base, "fee_annual": "18000.00", "is_pay_first": "y"})
    from repairapp.contracts.models import ServicePlan

    [plan] = db.session.scalars(sa.select(ServicePlan)).all()
    assert (plan.fee_annual, plan.fee_rate_percent, plan.is_pay_first) == (
        D("18000.00"), None, True)


def test_renewal_page_states_the_back_payment_rule(client, auth, lapsed_contract):
    """The account manager (a manager) opens the quote: three options with the 73 days paid
    back, and the rule in words."""
    auth.login(f.user(Role.MANAGER).email)
    client.set_cookie("lang", "en")
    page = client.get(f"/contracts/{lapsed_contract.id}/renewal").get_data(as_text=True)
    for text in ("Renewal quote HT-2025-007", "16h site", "24h site", "8h site",
                 "73 days", "¥204.80", "¥1,228.80", "¥69.55", "¥1,536.00", "¥1,075.20",
                 "Back-payment for the lapse"):
        assert text in page, text


def test_renewal_pdf_in_chinese_and_english(client, admin, lapsed_contract):
    """The PDF's text (pypdfium2): options, amounts, the rule, in either language."""
    zh = client.get(f"/contracts/{lapsed_contract.id}/renewal.pdf?lang=zh")
    assert zh.status_code == 200 and zh.mimetype == "application/pdf"
    text = flat(pdf_text(zh.data))
    for words in ("续保报价", "HT-2025-007", "华东精密", "同一方案", "升一档", "降一档",
                  "断保补费", "73天", "¥204.80", "¥1,228.80", "其中税额", "¥69.55", "均含6%税费"):
        assert words in text, words
    en = flat(pdf_text(client.get(f"/contracts/{lapsed_contract.id}/renewal.pdf?lang=en").data))
    for words in ("RenewalquoteHT-2025-007", "Onetierup", "Back-paymentforthelapse",
                  "73days", "¥1,536.00", "¥86.94"):
        assert words in en, words
