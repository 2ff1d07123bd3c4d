"""The ticket export: one row per ticket filed in the period that matches the filters."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from repairapp.accounts.models import User
from repairapp.assets.models import Asset
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.reports.services import ZONE, Filters, filed, tickets
from repairapp.tickets.models import BillableItem, Ticket

HEADER = [_l("Number"), _l("Asset tag"), _l("Model"), _l("Customer"), _l("Site"),
          _l("Category"), _l("Severity"), _l("Plan"), _l("Status"), _l("Filed"),
          _l("Responded"), _l("Resolved"), _l("Closed"), _l("Response due"),
          _l("Resolution due"), _l("Response, working minutes"),
          _l("Response, wall-clock minutes"), _l("Resolution, working minutes"),
          _l("Resolution, wall-clock minutes"), _l("Response breached"),
          _l("Resolution breached"), _l("Reopened"), _l("Duplicate of"), _l("Technician"),
          _l("Rating"), _l("Amount (tax included)")]


def _local(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")


def rows(flt: Filters):
    """The export's rows, in filing order, read in batches (a year can be large)."""
    amount = (sa.select(sa.func.sum(BillableItem.amount))
              .where(BillableItem.ticket_id == Ticket.id).scalar_subquery())
    query = (tickets(Ticket, Asset.tag, Asset.model, Customer.name, Site.name, User.name,
                     amount)
             .join(Site, Site.id == Asset.site_id)
             .join(Customer, Customer.id == Ticket.customer_id)
             .outerjoin(User, User.id == Ticket.assignee_id)
             .where(*filed(flt)).order_by(Ticket.created_at, Ticket.id)
             .execution_options(yield_per=1000))
    yes = lambda flag: str(_l("Yes")) if flag else ""  # noqa: E731
    for t, tag, model, customer, site, technician, total in db.session.execute(query):
        yield [t.number, tag, model, customer, site, t.category.value, t.severity.value,
               t.plan_name, t.status.value, _local(t.created_at), _local(t.responded_at),
               _local(t.resolved_at), _local(t.closed_at), _local(t.response_due_at),
               _local(t.resolution_due_at), t.response_working_minutes,
               t.response_wall_minutes, t.resolution_working_minutes,
               t.resolution_wall_minutes, yes(t.response_breached),
               yes(t.resolution_breached), t.reopen_count,
               f"R{t.merged_into_id:06d}" if t.merged_into_id else "", technician or "",
               t.rating, total]
