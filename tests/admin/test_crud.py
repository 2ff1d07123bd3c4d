"""Admin pages for customers, sites, assets, plans and contracts: only admins, real writes."""

from datetime import date

import pytest
import sqlalchemy as sa

import factories as f
from conftest import counting_queries
from repairapp.accounts.models import Role
from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract, ServicePlan
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db

PAGES = ["/assets/", "/assets/new", "/assets/import", "/assets/export.csv", "/customers/",
         "/contracts/", "/contracts/new", "/contracts/plans", "/contracts/plans/new",
         "/contracts/import", "/contracts/export.csv"]


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
@pytest.mark.parametrize("url", PAGES)
def test_only_admins(client, auth, role, url):
    """Dispatchers and technicians get 403 on every admin page."""
    auth.login(f.user(role).email)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_admin_pages_open(client, admin, url):
    """Every admin page renders for an admin."""
    assert client.get(url).status_code == 200


def test_customer_and_site(client, admin):
    """Create a customer, add a site with its time zone; a bad zone is explained."""
    admin.post("/customers/", {"name": "宁波港联"})
    customer = db.session.scalar(sa.select(Customer))
    bad = admin.post(f"/customers/{customer.id}/sites", {"name": "北仑", "timezone": "Mars/Base"},
                     page_url=f"/customers/{customer.id}")
    assert bad.status_code == 422 and "Unknown time zone" in bad.get_data(as_text=True)
    admin.post(f"/customers/{customer.id}/sites", {"name": "北仑", "timezone": "Asia/Shanghai",
                                                   "address": "明州路 1 号"},
               page_url=f"/customers/{customer.id}")
    assert db.session.scalar(sa.select(Site.address)) == "明州路 1 号"
    dup = admin.post("/customers/", {"name": "宁波港联"})
    assert "already used" in dup.get_data(as_text=True)


def test_asset_create_edit_archive_and_search(client, admin):
    """A new asset gets a label; a taken tag is refused; archived assets leave the list."""
    site = f.site()
    admin.post("/assets/new", {"tag": "EQ-7", "name": "Press", "site_id": str(site.id),
                               "warranty_months": "12", "acceptance_date": "2026-01-02"})
    asset = db.session.scalar(sa.select(Asset))
    assert asset.active_label and asset.acceptance_date == date(2026, 1, 2)
    f.asset(tag="EQ-8")
    clash = admin.post(f"/assets/{asset.id}", {"tag": "EQ-8", "name": "Press",
                                               "site_id": str(site.id), "warranty_months": "12"})
    assert "already has this tag" in clash.get_data(as_text=True)
    assert "EQ-7" in client.get("/assets/?q=press").get_data(as_text=True)
    admin.post(f"/assets/{asset.id}", {"tag": "EQ-7", "name": "Press", "site_id": str(site.id),
                                       "warranty_months": "12", "is_archived": "y"})
    assert "EQ-7" not in client.get("/assets/?q=press").get_data(as_text=True)
    assert "EQ-7" in client.get("/assets/?q=press&archived=1").get_data(as_text=True)


def test_coverage_timeline_shows_warranty_contracts_and_gaps(client, admin):
    """Warranty, a contract after a gap, and the lapse since: all on the asset page."""
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2022, 1, 1))
    f.contract(machine, plans["A"], date(2023, 6, 1), date(2024, 5, 31), number="HT-9")
    page = client.get(f"/assets/{machine.id}").get_data(as_text=True)
    assert "2022-01-01 – 2023-01-01" in page  # warranty ends on the anniversary (Civil Code)
    assert "2023-01-02 – 2023-05-31" in page  # the lapse before the contract
    assert "Contract HT-9" in page and "2024-06-01 – today" in page


def test_a_renewal_after_a_gap_shows_the_lapse_to_bill(client, admin):
    """Renewed after a gap: the contract page names each asset's lapse and when fees start;
    a renewal that continues without a gap shows none."""
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2022, 1, 1), tag="EQ-LAPSE")
    first = f.contract(machine, plans["A"], date(2023, 1, 1), date(2023, 12, 31))
    late = f.contract(machine, plans["A"], date(2024, 4, 1), date(2025, 3, 31))
    on_time = f.contract(machine, plans["A"], date(2025, 4, 1), date(2026, 3, 31))
    page = client.get(f"/contracts/{late.id}").get_data(as_text=True)
    assert ("EQ-LAPSE was not covered from 2024-01-01 to 2024-03-31; fees are due from "
            "2024-01-01.") in page
    for contract in (first, on_time):
        page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
        assert "Renewed after a lapse" not in page


def test_plan_and_contract_forms(client, admin):
    """A plan with targets, then a contract covering the customer's asset; end before start
    and foreign assets are refused with the typed values kept."""
    admin.post("/contracts/plans/new", {"name": "Gold", "kind": "EXTENDED",
                                        "service_level": "A", "response_critical_min": "60",
                                        "fee_rate_percent": "8"})
    plan = db.session.scalar(sa.select(ServicePlan))
    assert plan.response_critical_min == 60 and plan.service_level.value == "A"
    machine = f.asset(tag="EQ-5")
    stranger = f.asset(tag="EQ-6")
    fields = {"number": "HT-1", "customer_id": str(machine.site.customer_id),
              "plan_id": str(plan.id), "start_date": "2026-01-01", "end_date": "2026-12-31",
              "amount": "9800.00", "tags": "EQ-5"}
    bad = admin.post("/contracts/new", {**fields, "end_date": "2025-01-01"})
    assert "end is before the start" in bad.get_data(as_text=True)
    foreign = admin.post("/contracts/new", {**fields, "tags": "EQ-5\nEQ-6"})
    assert "Not assets of this customer: EQ-6" in foreign.get_data(as_text=True)
    assert stranger.tag == "EQ-6"
    admin.post("/contracts/new", fields)
    contract = db.session.scalar(sa.select(Contract))
    assert [a.tag for a in contract.assets] == ["EQ-5"] and str(contract.amount) == "9800.00"


def _queries(client, url: str) -> int:
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_contract_page_queries_do_not_grow_with_its_assets(client, admin):
    """Looking for lapses costs the same for a fleet contract as for a small one."""
    plans = f.standard_plans()
    site = f.site()
    counts = []
    for n in (2, 12):
        machines = [f.asset(site=site, accepted=date(2022, 1, 1)) for _ in range(n)]
        contract = f.contract(machines[0], plans["A"], date(2024, 1, 1), date(2024, 12, 31))
        contract.assets = machines
        db.session.commit()
        counts.append(_queries(client, f"/contracts/{contract.id}"))
    assert counts[0] == counts[1]
