"""The customer's private report link, and the staff list that issues and revokes links."""

import io
from datetime import date

import pypdfium2
import sqlalchemy as sa

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role
from repairapp.customers.models import Customer
from repairapp.extensions import db
from repairapp.servicereports import services
from repairapp.servicereports.models import ServiceReport

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def _report(name="甲方制造有限公司") -> ServiceReport:
    site = f.site()
    site.customer.name = name
    f.asset(site=site)
    db.session.commit()
    return services.issue(site.customer_id, *Q3)


def _log_in(auth, role=Role.MANAGER):
    user = f.user(role)
    db.session.commit()
    auth.login(user.email)
    auth.client.set_cookie("lang", "en")


def test_the_link_opens_the_report_without_an_account(client):
    report = _report()
    page = client.get(f"/service-report/{report.token}", headers={"Accept-Language": "zh"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "甲方制造有限公司" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "/accounts/" not in html  # nothing of the staff side on the customer's page

    pdf = client.get(f"/service-report/{report.token}/report.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    assert "甲方制造有限公司" in _text(pdf.data)


def test_only_a_live_link_opens(client):
    report = _report()
    other = _report("Another customer")
    assert client.get("/service-report/" + "x" * 43).status_code == 404
    assert client.get("/service-report/" + report.token + "x").status_code == 404
    assert client.get("/service-report/" + "a" * 500).status_code == 404
    # Each link opens its own customer's report only.
    assert "Another customer" not in client.get(
        f"/service-report/{report.token}").get_data(as_text=True)
    assert "Another customer" in client.get(
        f"/service-report/{other.token}").get_data(as_text=True)


def test_staff_revoke_and_renew_a_link(client, auth):
    report = _report()
    old = report.token
    _log_in(auth)
    listing = client.get("/service-report/?quarter=2026-Q3").get_data(as_text=True)
    assert f"/service-report/{old}" in listing and f"/service-report/{report.id}/revoke" in listing
    token = token_from(listing)

    assert client.post(f"/service-report/{report.id}/revoke",
                       data={"csrf_token": token}).status_code == 302
    assert client.get(f"/service-report/{old}").status_code == 404
    assert client.get(f"/service-report/{old}/report.pdf").status_code == 404
    listing = client.get("/service-report/?quarter=2026-Q3").get_data(as_text=True)
    assert f"/service-report/{old}" not in listing and "New link" in listing

    client.post(f"/service-report/{report.id}/renew", data={"csrf_token": token})
    db.session.refresh(report)
    assert report.token != old and report.revoked_at is None
    assert client.get(f"/service-report/{old}").status_code == 404
    assert client.get(f"/service-report/{report.token}").status_code == 200


def test_staff_create_a_link_for_a_quarter(client, auth):
    site = f.site()
    db.session.commit()
    _log_in(auth, Role.ADMIN)
    listing = client.get("/service-report/?quarter=2026-Q2").get_data(as_text=True)
    assert "Create link" in listing
    answer = client.post("/service-report/issue", data={
        "csrf_token": token_from(listing), "customer": site.customer_id, "quarter": "2026-Q2"})
    assert answer.status_code == 302
    report = db.session.scalars(sa.select(ServiceReport)).one()
    assert (report.period_start, report.period_end) == (date(2026, 4, 1), date(2026, 6, 30))
    # A double tap finds the row there: still one report, same link.
    client.post("/service-report/issue", data={
        "csrf_token": token_from(listing), "customer": site.customer_id, "quarter": "2026-Q2"})
    assert db.session.scalars(sa.select(ServiceReport.token)).all() == [report.token]

    forged = client.post("/service-report/issue", data={
        "csrf_token": token_from(listing), "customer": site.customer_id, "quarter": "2026-Q9"})
    assert forged.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceReport)) == 1


def test_other_staff_cannot_see_the_list(client, auth):
    _log_in(auth, Role.DISPATCHER)
    assert client.get("/service-report/").status_code == 403


def test_admin_sets_who_gets_the_report(client, auth, admin):
    site = f.site()
    manager = f.user(Role.MANAGER, name="王经理")
    db.session.commit()
    page = client.get(f"/customers/{site.customer_id}").get_data(as_text=True)
    assert "王经理" in page
    data = {"csrf_token": token_from(page), "name": site.customer.name,
            "report_emails": "it@acme.example， not-an-address", "report_locale": "en",
            "account_manager_id": str(manager.id)}
    wrong = client.post(f"/customers/{site.customer_id}", data=data)
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Not an email address: not-an-address" in html
    assert "it@acme.example， not-an-address" in html  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Customer, site.customer_id).report_emails == ""

    data["report_emails"] = "it@acme.example；boss@acme.example"
    assert client.post(f"/customers/{site.customer_id}", data=data).status_code == 302
    db.session.expire_all()
    customer = db.session.get(Customer, site.customer_id)
    assert customer.report_locale == "en" and customer.account_manager_id == manager.id
    assert services.recipients(customer) == ["it@acme.example", "boss@acme.example",
                                             manager.email]
