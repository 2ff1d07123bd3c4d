"""A chargeable job resolved on site, ready for the customer's signature."""

import io

import pypdfium2
import pytest
from flask import current_app

import factories as f
from repairapp.accounts.models import Role
from repairapp.billing.work import Terms
from repairapp.extensions import db
from repairapp.tickets import work
from repairapp.tickets.models import Category, Status, WorkType


def pdf_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def resolved_on_site(*, email: str = "", locale: str = "zh", technician=None):
    """A machine with no warranty or contract (chargeable: a visit at ¥800.00 and two fuses
    quoted separately), its technician checked in and resolved on site after 45 minutes."""
    tech = technician or f.user(Role.TECHNICIAN, name="王工 Wang")
    machine = f.asset(tag="EQ-07001", name="空压机 Air compressor", model="GA-37",
                      serial_number="SN-778", accepted=None, warranty_months=0)
    ticket = f.ticket(machine, assignee=tech, status=Status.ACKNOWLEDGED,
                      category=Category.NO_POWER, description="开机无反应 / no power",
                      requester_name="陈经理", requester_email=email)
    ticket.requester_locale = locale
    work.check_in(ticket, tech)
    work.resolve(ticket, tech, resolution_note="更换保险丝 / replaced the fuse",
                 work_type=WorkType.ON_SITE, minutes=45, parts=[work.Part("Fuse 10A", 2)],
                 terms=Terms.from_config(current_app.config))
    db.session.commit()
    return ticket


@pytest.fixture
def tech():
    return f.user(Role.TECHNICIAN, name="王工 Wang")


@pytest.fixture
def job(tech):
    return resolved_on_site(technician=tech)
