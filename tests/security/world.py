"""A small seeded world with one of everything an address names, the people who act in it,
and a fingerprint of every row (to prove a request changed nothing).

Shared by the permission table, the GET sweep and the malformed-post sweep.
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask, url_for
from maintenance import data as maintenance
from PIL import Image
from werkzeug.routing import Rule

import factories as f
from conftest import Auth, token_from
from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract, ServicePlan
from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups.models import Complaint, ComplaintSource, FollowUp, FollowUpKind
from repairapp.jobreports import services as job_sheets
from repairapp.jobreports.models import JobReport
from repairapp.notifications.models import STAFF_KINDS, Channel, Delivery, Notification, Transport
from repairapp.parts.models import Part
from repairapp.quotes import services as quotes
from repairapp.quotes.models import LineKind, NotQualityReason, Quote
from repairapp.reports.figures import TABLES as REPORT_TABLES
from repairapp.servicereports.models import ServiceReport
from repairapp.sla.models import CalendarDay, ServiceCalendar
from repairapp.tickets import work
from repairapp.tickets.models import Status, Ticket, WorkType
from repairapp.tickets.photos import reencode

#: The columns of the permission table; a new role is one more name here and one more
#: column there.
ROLES = ("anonymous", "link_holder", "technician", "other_technician", "dispatcher", "admin",
         "manager")
STAFF_ROLE = {"technician": "tech", "other_technician": "other_tech",
              "dispatcher": "dispatcher", "admin": "admin", "manager": "manager"}
WRONG_TOKEN = "not-a-real-tracking-token-000000"


@dataclass
class World:
    """Everything the table's addresses need, seeded through the factories."""

    admin: User
    dispatcher: User
    manager: User
    tech: User
    other_tech: User
    spare: User          #: an account for the admin's edit page
    customer: Customer
    site: Site
    asset: Asset         #: the machine with the tickets
    relabel: Asset       #: the machine whose label gets re-issued
    plan: ServicePlan
    contract: Contract
    ticket: Ticket       #: open, acknowledged, assigned to `tech`, with a photo
    duplicate: Ticket    #: a later report of the same fault, also `tech`'s
    unassigned: Ticket   #: a job nobody has taken yet
    unassigned_too: Ticket  #: another, for the second address of "take"
    calendar: ServiceCalendar
    spare_calendar: ServiceCalendar  #: one that can be deleted
    day: CalendarDay
    channel: Channel
    delivery: Delivery
    follow_up: FollowUp  #: a key customer's monthly call, not made yet
    complaint: Complaint
    service_report: ServiceReport
    chargeable: Ticket   #: `tech`'s job on a machine nobody covers, with a draft quote
    quote: Quote         #: that draft
    part: Part
    finding_photo_id: int  #: the photo of `ticket`'s not-a-quality-fault finding
    on_site: Ticket      #: `tech`'s job resolved on site, its service sheet not yet signed
    job_report: JobReport  #: the signed service sheet (version 1) of another such job
    maintenance: maintenance.World  #: a maintenance plan on `asset` with visits of `tech`

    @property
    def code(self) -> str:
        return self.asset.active_label.code

    @property
    def photo_id(self) -> int:
        return self.ticket.photos[0].id


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return reencode(out.getvalue(), 100)


def _resolved_on_site(asset: Asset, tech: User) -> Ticket:
    ticket = f.ticket(asset, assignee=tech, status=Status.ACKNOWLEDGED)
    work.check_in(ticket, tech)
    work.resolve(ticket, tech, resolution_note="Replaced the fuse", work_type=WorkType.ON_SITE,
                 minutes=30)
    return ticket


def build() -> World:
    """One of everything, committed (requests see it from their own session)."""
    users = {role: f.user(role) for role in (Role.ADMIN, Role.DISPATCHER, Role.MANAGER)}
    tech, other_tech, spare = f.user(), f.user(), f.user()
    site = f.site()
    asset, relabel = f.asset(site=site), f.asset(site=site)
    plans = f.standard_plans()
    contract = f.contract(asset, plans["A"], date(2020, 1, 1), date(2099, 12, 31))
    ticket = f.ticket(asset, assignee=tech, status=Status.ACKNOWLEDGED, photos=[_photo()])
    duplicate = f.ticket(asset, assignee=tech, status=Status.ACKNOWLEDGED)
    unassigned, unassigned_too = f.ticket(asset), f.ticket(asset)
    follow_up = FollowUp(kind=FollowUpKind.KEY_CUSTOMER, customer_id=site.customer_id,
                         period="2030-01", due_at=utcnow())
    complaint = Complaint(source=ComplaintSource.STAFF, description="Late", ticket_id=ticket.id,
                          customer_id=site.customer_id, caller_name="Zhou", due_at=utcnow())
    calendar = ServiceCalendar(name="Office", china_holidays=True,
                               hours={str(d): [[540, 1020]] for d in range(5)})
    spare_calendar = ServiceCalendar(name="Unused", china_holidays=False, hours={"0": [[0, 60]]})
    day = CalendarDay(day=date(2030, 5, 6), is_working=False, note="Closed")
    calendar.days.append(day)
    channel = Channel(name="Mailbox", transport=Transport.EMAIL, target="ops@example.com")
    note = db.session.scalars(sa.select(Notification).order_by(Notification.id)).first()
    delivery = Delivery(notification=note, transport=Transport.EMAIL, recipient="a@example.com",
                        subject="s", body="b", attempts=1)  # failed once: "Retry now"
    service_report = ServiceReport(customer_id=site.customer_id, period_start=date(2026, 7, 1),
                                   period_end=date(2026, 9, 30))
    part = Part(code="FU-10A", name="Fuse", unit="pcs", price=Decimal("12.50"))
    db.session.add_all([calendar, spare_calendar, day, channel, delivery, follow_up, complaint,
                        service_report, part])
    chargeable = f.ticket(f.asset(site=site), assignee=tech, status=Status.ACKNOWLEDGED)
    quote = quotes.save_draft(chargeable, tech, [
        quotes.Line(LineKind.REMOTE_FEE, "", Decimal(1), Decimal("300.00"))], Decimal(6))
    quotes.mark_not_quality(ticket, tech, reason=NotQualityReason.MISUSE, note="Dropped",
                            photos=[_photo()])
    on_site = _resolved_on_site(asset, tech)
    job_report = job_sheets.sign(_resolved_on_site(asset, tech), tech, signer_name="Chen",
                                 signature_png=None, tax_percent=Decimal(6))
    db.session.commit()
    upkeep = maintenance.world(asset, tech, _photo())
    return World(admin=users[Role.ADMIN], dispatcher=users[Role.DISPATCHER],
                 manager=users[Role.MANAGER], tech=tech,
                 other_tech=other_tech, spare=spare, customer=site.customer, site=site,
                 asset=asset, relabel=relabel, plan=plans["A"], contract=contract,
                 ticket=ticket, duplicate=duplicate, unassigned=unassigned,
                 unassigned_too=unassigned_too, calendar=calendar,
                 spare_calendar=spare_calendar, day=day, channel=channel, delivery=delivery,
                 follow_up=follow_up, complaint=complaint, service_report=service_report,
                 chargeable=chargeable, quote=quote, part=part,
                 finding_photo_id=ticket.photos[-1].id,
                 on_site=on_site, job_report=job_report, maintenance=upkeep)


def act_as(client, world: World, role: str) -> None:
    """Log the client in as the role's user (staff), or leave it anonymous; pages in English."""
    client.set_cookie("lang", "en")
    if role in STAFF_ROLE:
        response = Auth(client).login(getattr(world, STAFF_ROLE[role]).email)
        assert response.status_code == 302, f"{role} could not log in"


def csrf_token(client) -> str:
    """A valid CSRF token for this client's session (any page with a form carries it)."""
    return token_from(client.get("/accounts/login").get_data(as_text=True)
                      if not _logged_in(client) else
                      client.get("/accounts/password").get_data(as_text=True))


def _logged_in(client) -> bool:
    return client.get("/accounts/password").status_code == 200


def fingerprint() -> str:
    """One hash over every row of every table: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            digest.update(table.name.encode() + repr(rows.all()).encode())
    return digest.hexdigest()


class Writes:
    """Whether anything can have been committed since last asked, read cheaply: SQLite's
    data_version on a connection of its own (it moves whenever another connection commits a
    change), PostgreSQL's WAL insert position (every change to a row writes WAL; other
    databases of the cluster may move it too, which only costs a fingerprint). Unmoved, the
    rows are the ones last fingerprinted; moved, `fingerprint` decides."""

    def __init__(self):
        self.connection = db.engine.raw_connection()  # held: no request can use it
        self.sqlite = db.engine.dialect.name == "sqlite"
        self.last = self._position()

    def _position(self):
        cursor = self.connection.cursor()
        cursor.execute("PRAGMA data_version" if self.sqlite
                       else "SELECT pg_current_wal_insert_lsn()")
        position = cursor.fetchone()[0]
        cursor.close()
        self.connection.rollback()
        return position

    def moved(self) -> bool:
        position = self._position()
        moved, self.last = position != self.last, position
        return moved

    def close(self) -> None:
        self.connection.close()


def urls(app: Flask, world: World, role: str) -> dict[str, list[str]]:
    """Endpoint -> the addresses that reach it in this world (every rule of it), as `role`
    would type them: a requester without the link has only a made-up token."""
    w = world
    token = WRONG_TOKEN if role == "anonymous" else w.ticket.tracking_token
    report_token = WRONG_TOKEN if role == "anonymous" else w.service_report.token
    code = w.code
    with app.test_request_context():
        u = url_for
        table = {
            "main.index": [u("main.index")],
            "main.confirm_language": [u("main.confirm_language", code="zh")],
            "main.set_language": [u("main.set_language", code="zh")],
            "health.healthz": [u("health.healthz")],
            "health.readyz": [u("health.readyz")],
            "accounts.login": [u("accounts.login")],
            "accounts.password": [u("accounts.password")],
            "accounts.users": [u("accounts.users")],
            "accounts.edit_user": [u("accounts.edit_user", user_id=w.spare.id)],
            "intake.scan": [f"/r/{code}", f"/R/{code.upper()}"],
            "intake.add_info": [u("intake.add_info", code=code)],
            "intake.check_in": [f"/r/{code}/check-in/{w.ticket.id}",
                                f"/R/{code.upper()}/check-in/{w.ticket.id}"],
            "intake.take": [f"/r/{code}/take/{w.unassigned.id}",
                            f"/R/{code.upper()}/take/{w.unassigned_too.id}"],
            "tracking.show": [u("tracking.show", token=token)],
            "tracking.submitted": [u("tracking.submitted", token=token)],
            "tracking.confirm": [u("tracking.confirm", token=token)],
            "tracking.reopen": [u("tracking.reopen", token=token)],
            "tracking.complain": [u("tracking.complain", token=token)],
            "tracking.approve_quote": [u("tracking.approve_quote", token=token)],
            "tracking.decline_quote": [u("tracking.decline_quote", token=token)],
            "tracking.photo": [u("tracking.photo", token=token, photo_id=w.finding_photo_id)],
            "tickets.index": [u("tickets.index")],
            "tickets.detail": [u("tickets.detail", ticket_id=w.ticket.id)],
            "tickets.photo": [u("tickets.photo", ticket_id=w.ticket.id, photo_id=w.photo_id)],
            "tickets.change": [u("tickets.change", ticket_id=w.ticket.id)],
            "tickets.log_work": [u("tickets.log_work", ticket_id=w.ticket.id)],
            "tickets.resolve": [u("tickets.resolve", ticket_id=w.ticket.id)],
            # After resolve: the job stays where it is for the rows after it.
            "tickets.assign": [u("tickets.assign", ticket_id=w.ticket.id)],
            "tickets.triage": [u("tickets.triage", ticket_id=w.ticket.id)],
            "tickets.merge": [u("tickets.merge", ticket_id=w.duplicate.id)],
            "quotes.edit": [u("quotes.edit", ticket_id=w.chargeable.id)],
            "quotes.save": [u("quotes.save", ticket_id=w.chargeable.id)],
            "quotes.send": [u("quotes.send", ticket_id=w.chargeable.id)],
            "quotes.not_quality": [u("quotes.not_quality", ticket_id=w.ticket.id)],
            "jobs.index": [u("jobs.index")],
            "dispatch.index": [u("dispatch.index")],
            "manager.home": [u("manager.home")],
            "assets.index": [u("assets.index")],
            "assets.new": [u("assets.new")],
            "assets.edit": [u("assets.edit", asset_id=w.asset.id)],
            "assets.import_csv": [u("assets.import_csv")],
            "assets.export_csv": [u("assets.export_csv")],
            "parts.index": [u("parts.index"), u("parts.index", q="fuse", archived="1")],
            "parts.new": [u("parts.new")],
            "parts.edit": [u("parts.edit", part_id=w.part.id)],
            "parts.import_csv": [u("parts.import_csv")],
            "parts.export_csv": [u("parts.export_csv")],
            "customers.index": [u("customers.index")],
            "customers.edit": [u("customers.edit", customer_id=w.customer.id)],
            "customers.site": [u("customers.site", customer_id=w.customer.id),
                               u("customers.site", site_id=w.site.id)],
            "contracts.index": [u("contracts.index")],
            "contracts.edit": [u("contracts.edit"),
                               u("contracts.edit", contract_id=w.contract.id)],
            "contracts.import_csv": [u("contracts.import_csv")],
            "contracts.export_csv": [u("contracts.export_csv")],
            "contracts.plans": [u("contracts.plans")],
            "contracts.plan": [u("contracts.plan"), u("contracts.plan", plan_id=w.plan.id)],
            "billing.payment": [u("billing.payment", contract_id=w.contract.id)],
            "billing.renewal": [u("billing.renewal", contract_id=w.contract.id)],
            "billing.renewal_pdf": [u("billing.renewal_pdf", contract_id=w.contract.id),
                                    u("billing.renewal_pdf", contract_id=w.contract.id,
                                      lang="en")],
            "labels.index": [u("labels.index")],
            "labels.calibration_page": [u("labels.calibration_page", key="a4-3x8")],
            "labels.asset": [u("labels.asset", asset_id=w.asset.id)],
            "labels.reissue": [u("labels.reissue", asset_id=w.relabel.id)],
            "sla.calendars": [u("sla.calendars")],
            "sla.calendar": [u("sla.calendar"), u("sla.calendar", calendar_id=w.calendar.id)],
            "sla.add_day": [u("sla.add_day", calendar_id=w.calendar.id)],
            "sla.remove_day": [u("sla.remove_day", day_id=w.day.id)],
            "sla.delete": [u("sla.delete", calendar_id=w.spare_calendar.id)],
            "sla.holidays_page": [u("sla.holidays_page")],
            "sla.schedule": [u("sla.schedule", year=2030)],
            "notifications.index": [u("notifications.index")],
            "notifications.channel": [u("notifications.channel"),
                                      u("notifications.channel", channel_id=w.channel.id)],
            "notifications.test": [u("notifications.test", channel_id=w.channel.id)],
            "notifications.retry": [u("notifications.retry", delivery_id=w.delivery.id)],
            "reports.index": [u("reports.index"),
                              u("reports.index", period="", start="2026-03-01",
                                end="2026-03-31", customer=w.customer.id)],
            # Every table of the report and the ticket export, in both formats.
            "reports.download": [u("reports.download", key=key, fmt=fmt)
                                 for key in ("tickets", *REPORT_TABLES) for fmt in ("csv", "xlsx")],
            "reports.customer_report": [
                u("reports.customer_report"),
                u("reports.customer_report", period="", start="2026-03-01", end="2026-03-31",
                  customer=w.customer.id)],
            "reports.customer_pdf": [u("reports.customer_pdf", period="last_quarter",
                                       customer=w.customer.id, lang="zh")],
            "followups.index": [u("followups.index")],
            "followups.record": [u("followups.record", task_id=w.follow_up.id)],
            "followups.complaints": [u("followups.complaints")],
            "followups.new_complaint": [u("followups.new_complaint", ticket=w.ticket.id)],
            "followups.complaint": [u("followups.complaint", complaint_id=w.complaint.id)],
            "servicereports.view": [u("servicereports.view", token=report_token)],
            "servicereports.pdf": [u("servicereports.pdf", token=report_token),
                                   u("servicereports.pdf", token=report_token, lang="en")],
            "servicereports.index": [u("servicereports.index"),
                                     u("servicereports.index", quarter="2026-Q3")],
            "servicereports.issue": [u("servicereports.issue")],
            # Revoked, then renewed: the link works again for the rows after it.
            "servicereports.revoke": [u("servicereports.revoke", report_id=w.service_report.id)],
            "servicereports.renew": [u("servicereports.renew", report_id=w.service_report.id)],
            "jobreports.sign": [u("jobreports.sign", ticket_id=w.on_site.id)],
            "jobreports.staff_pdf": [u("jobreports.staff_pdf", report_id=w.job_report.id),
                                     u("jobreports.staff_pdf", report_id=w.job_report.id,
                                       lang="en")],
            "jobreports.public_pdf": [u("jobreports.public_pdf", version=1, token=(
                WRONG_TOKEN if role == "anonymous" else w.job_report.ticket.tracking_token))],
            "jobreports.correct": [u("jobreports.correct", report_id=w.job_report.id)],
            "maintenance.index": [u("maintenance.index")],
            "maintenance.plan": [u("maintenance.plan"),
                                 u("maintenance.plan", plan_id=w.maintenance.plan.id)],
            "maintenance.visits": [u("maintenance.visits")],
            "maintenance.assign": [u("maintenance.assign",
                                     visit_id=w.maintenance.unassigned.id)],
            "maintenance.start": [u("maintenance.start", code=code,
                                    visit_id=w.maintenance.planned.id)],
            "maintenance.visit": [u("maintenance.visit", visit_id=w.maintenance.inspecting.id)],
            "maintenance.record": [u("maintenance.record",
                                     visit_id=w.maintenance.inspecting.id)],
            "maintenance.photo": [u("maintenance.photo", visit_id=w.maintenance.done.id,
                                    photo_id=w.maintenance.photo_id)],
            "maintenance.round_page": [u("maintenance.round_page",
                                        visit_id=w.maintenance.inspecting.id)],
            "maintenance.move": [u("maintenance.move", visit_id=w.maintenance.inspecting.id)],
            "maintenance.sign_visit": [u("maintenance.sign_visit",
                                        visit_id=w.maintenance.done.id)],
            "maintenance.sign_round": [u("maintenance.sign_round",
                                        visit_id=w.maintenance.finished.id)],
            "maintenance.report_pdf_file": [u("maintenance.report_pdf_file",
                                              report_id=w.maintenance.report.id)],
            # Last: it ends the session every row above uses.
            "accounts.logout": [u("accounts.logout")],
        }
    return table


def post_data(w: World) -> dict[str, dict]:
    """What each form sends when filled in as its page asks (endpoints not named: nothing
    but the CSRF token)."""
    minutes = {f"{kind}_{level}_min": "60" for kind in ("response", "resolution")
               for level in ("critical", "major", "minor")}
    work = {"work_type": "remote", "minutes": "30", "notes": "", "parts-0-item": "",
            "parts-0-quantity": "1", "parts-1-item": "", "parts-1-quantity": "1"}
    return {
        "accounts.login": {"email": "nobody@example.com", "password": "wrong-password-1"},
        "accounts.password": {"current": "not-my-password", "new": "new-password-1",
                              "repeat": "new-password-1"},
        "accounts.users": {"email": "new-user@example.com", "name": "New user",
                           "role": "technician", "is_active": "y",
                           "password": "new-password-1"},
        "accounts.edit_user": {"email": w.spare.email, "name": "Renamed", "role": "technician",
                               "is_active": "y", "password": ""},
        "intake.scan": {"category": "error", "impact": "stopped", "description": "Alarm",
                        "name": "Zhou", "phone": "139 0000 0001", "email": "",
                        "key": "k" * 32},
        "intake.add_info": {"note": "It beeps too", "name": "Zhou", "key": "a" * 32},
        "tracking.confirm": {"rating": "5", "comment": ""},
        "tracking.reopen": {"note": "Still broken"},
        "tracking.complain": {"description": "Nobody came"},
        "followups.record": {"method": "call", "satisfaction": "4", "notes": ""},
        "followups.new_complaint": {"caller_name": "Li", "caller_phone": "",
                                    "description": "Late", "owner": "0"},
        "followups.complaint": {"owner": "0", "status": "open", "outcome": ""},
        "tickets.change": {"to": "on_the_way"},
        "tickets.log_work": work,
        "tickets.resolve": {**work, "notes": "Replaced the fuse"},
        "tickets.assign": {"technician": str(w.other_tech.id), "reason": "Going on leave"},
        "tickets.triage": {"severity": "major", "category": "error"},
        "tickets.merge": {"into": str(w.ticket.id)},
        "jobreports.sign": {"signer_name": "Chen", "signature": ""},
        "jobreports.correct": {"version": "1", "work_done": "Replaced the fuse",
                               "change_note": "Added the part"},
        "assets.new": {"tag": "EQ-NEW-1", "name": "New machine", "model": "",
                       "serial_number": "", "site_id": str(w.site.id), "acceptance_date": "",
                       "warranty_months": "12"},
        "assets.edit": {"tag": w.asset.tag, "name": "Renamed", "model": "M-1",
                        "serial_number": "", "site_id": str(w.site.id), "acceptance_date": "",
                        "warranty_months": "12"},
        "assets.import_csv": {"content": ""},
        "parts.import_csv": {"content": ""},
        "parts.new": {"code": "BR-01", "name": "Bearing", "unit": "pcs", "price": "80.00"},
        "parts.edit": {"code": "FU-10A", "name": "Fuse 10 A", "unit": "pcs", "price": "13.00"},
        "quotes.save": {"service": "remote", "first_day": "", "last_day": "", "engineers": "1",
                        "travel_days": "0"},
        "quotes.send": {"quote": str(w.quote.id)},
        "quotes.not_quality": {"reason": "misuse", "note": "Dropped"},
        "tracking.approve_quote": {"quote": str(w.quote.id), "name": "Zhou"},
        "tracking.decline_quote": {"quote": str(w.quote.id), "reason": "Too dear"},
        "contracts.import_csv": {"content": ""},
        "customers.index": {"name": "New customer"},
        "customers.edit": {"name": "Renamed customer", "report_emails": "it@example.com",
                           "report_locale": "zh", "account_manager_id": "0"},
        "servicereports.issue": {"customer": str(w.customer.id), "quarter": "2026-Q2"},
        "customers.site": {"name": "Plant 2", "address": "", "timezone": "Asia/Shanghai",
                           "contact_name": "", "contact_phone": ""},
        "contracts.edit": {"number": "HT-NEW", "customer_id": str(w.customer.id),
                           "plan_id": str(w.plan.id), "start_date": "2030-01-01",
                           "end_date": "2030-12-31", "amount": "100.00", "tags": ""},
        "contracts.plan": {"name": "Plan X", "kind": "EXTENDED", "service_level": "",
                           "calendar_id": "", "fee_rate_percent": "8", "fee_annual": "",
                           **minutes},
        "maintenance.plan": {"name": "Pumps", "target": "asset", "asset_tag": w.asset.tag,
                             "model": "", "contract_id": "0", "every": "3", "unit": "month",
                             "anchor": "fixed", "start_date": "2030-01-01",
                             "calendar_id": "0", "shift": "after", "notice_days": "7",
                             "engineer_id": "0", "items-0-check": "Fan", "items-0-kind":
                             "pass_fail", "items-0-min_value": "", "items-0-max_value": "",
                             "items-0-is_required": "y"},
        "maintenance.assign": {"technician": str(w.tech.id)},
        "maintenance.move": {"direction": "down"},
        "maintenance.sign_visit": {"signer_name": "Chen", "signature": ""},
        "maintenance.sign_round": {"signer_name": "Chen", "signature": ""},
        "maintenance.record": {f"value_{w.maintenance.check_id}": "pass",
                               f"note_{w.maintenance.check_id}": ""},
        "billing.payment": {"paid_on": "2030-01-05", "payment_reference": "ICBC 1"},
        "labels.index": {"customer": "0", "site": "0", "search": "", "tag_from": "",
                         "tag_to": "", "tags": "", "sheet": "a4-3x8", "start_row": "1",
                         "start_col": "1"},
        "labels.reissue": {"replaces": w.relabel.active_label.code},
        "sla.calendar": {"name": "Office 2", "china_holidays": "y", "mon": "09:00-17:00",
                         "tue": "", "wed": "", "thu": "", "fri": "", "sat": "", "sun": ""},
        "sla.add_day": {"day": "2030-06-03", "is_working": "closed", "note": ""},
        "sla.schedule": {"days": ""},
        "notifications.channel": {"name": "Desk", "transport": "email", "customer_id": "0",
                                  "target": "desk@example.com", "secret": "",
                                  "kinds": list(STAFF_KINDS), "is_active": "y"},
    }


@dataclass(frozen=True)
class Asked:
    """One request of a sweep and what came of it."""

    endpoint: str
    method: str
    url: str
    status: int
    location: str
    changed_rows: bool


_SWEEPS: dict[str, list[Asked]] = {}


def sweep(app: Flask, role: str) -> list[Asked]:
    """Every address of the world as `role`: GET where it answers GET, POST (with a valid
    CSRF token and the form of `post_data`) where it answers POST, in the order of `urls`,
    with whether each request changed any row. Asked once per test run and role: the
    answers are plain values, so the permission table and the GET sweep share them."""
    if role not in _SWEEPS:
        _SWEEPS[role] = _ask_everything(app, role)
    return _SWEEPS[role]


def _ask_everything(app: Flask, role: str) -> list[Asked]:
    client = app.test_client()
    w = build()
    act_as(client, w, role)
    token, data, asked = csrf_token(client), post_data(w), []
    writes = Writes()
    before = fingerprint()
    for endpoint, addresses in urls(app, w, role).items():
        for url in addresses:
            for method in ("GET", "POST"):
                rule = matched_rule(app, url, method)
                if rule is None or rule.endpoint != endpoint:
                    continue
                form = {"csrf_token": token, **data.get(endpoint, {})} \
                    if method == "POST" else None
                response = client.open(url, method=method, data=form)
                after = fingerprint() if writes.moved() else before
                asked.append(Asked(endpoint, method, url, response.status_code,
                                   response.headers.get("Location", ""), after != before))
                before = after
    writes.close()
    return asked


def endpoints(app: Flask) -> dict[str, list[Rule]]:
    """The URL map's endpoints (static files aside) with their rules."""
    found: dict[str, list[Rule]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            found.setdefault(rule.endpoint, []).append(rule)
    return found


def methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def matched_rule(app: Flask, url: str, method: str) -> Rule | None:
    """The rule an address reaches with this method, or None."""
    adapter = app.url_map.bind("localhost")
    try:
        rule, _args = adapter.match(url.split("?")[0], method=method, return_rule=True)
    except Exception:  # noqa: BLE001 - not found, wrong method, redirect: no rule
        return None
    return rule
