"""What the staff ticket page shows: read-only queries and the forms it offers."""

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.dispatch.services import technician_load
from repairapp.extensions import db
from repairapp.notifications import services as notifications
from repairapp.tickets.forms import (
    AssignForm,
    MergeForm,
    ResolveForm,
    StatusForm,
    TriageForm,
    WaitForm,
    WorkLogForm,
)
from repairapp.tickets.merge import duplicate_of
from repairapp.tickets.models import Status, Ticket, WorkType
from repairapp.tickets.workflow import Actor, actor_for, allowed, awaited


def earlier_tickets(ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """The asset's most recent other tickets: what was done before."""
    return list(db.session.scalars(
        sa.select(Ticket).where(Ticket.asset_id == ticket.asset_id, Ticket.id != ticket.id)
        .order_by(Ticket.id.desc()).limit(limit)))


def merged_from(ticket: Ticket) -> list[Ticket]:
    """Later duplicates merged into this ticket: who else reported it, and how to reach them."""
    return list(db.session.scalars(
        sa.select(Ticket).where(Ticket.merged_into_id == ticket.id).order_by(Ticket.id)))


def assign_choices(ticket: Ticket, user: User) -> list[tuple[str, str]]:
    """Who the job can go to, with each technician's open jobs; "" is the dispatch queue."""
    load = technician_load()
    return [("", "—")] + [(str(tech.id), f"{tech.name} ({count})")
                          for tech, count in load if tech.id != ticket.assignee_id]


def detail_context(ticket: Ticket, user: User, **forms) -> dict:
    """Everything the page template needs; failed forms passed in are shown as they were."""
    actor = actor_for(user, ticket)
    moves = allowed(ticket, actor)
    assign_form = forms.get("assign_form") or AssignForm(formdata=None)
    assign_form.technician.choices = assign_choices(ticket, user)
    return {
        "ticket": ticket,
        "actor": actor,
        "is_dispatcher": actor is Actor.DISPATCHER,
        "moves": [m for m in moves if m is not Status.RESOLVED],
        "can_resolve": Status.RESOLVED in moves,
        "can_work": ticket.is_open,
        "status_form": StatusForm(formdata=None),
        "work_form": forms.get("work_form") or WorkLogForm(formdata=None),
        # Resolving from anywhere but the site is remote work, so that tile starts chosen.
        "resolve_form": forms.get("resolve_form") or ResolveForm(
            formdata=None, work_type=(WorkType.ON_SITE if ticket.status is Status.ON_SITE
                                      else WorkType.REMOTE).value),
        "wait_form": forms.get("wait_form") or WaitForm(formdata=None),
        "awaited": awaited(ticket),
        "assign_form": assign_form,
        "triage_form": forms.get("triage_form") or TriageForm(
            formdata=None, severity=ticket.severity.value, category=ticket.category.value),
        "earlier": earlier_tickets(ticket),
        "duplicate_of": duplicate_of(ticket),
        "merged_from": merged_from(ticket),
        "merge_form": MergeForm(formdata=None),
        "notices": notifications.history(ticket.id),
        "billing_total": total_of(ticket),
        "now": utcnow(),
    }


def total_of(ticket: Ticket):
    """Tax-included total of the priced billable items, or None if nothing is billed."""
    amounts = [i.amount for i in ticket.billable_items if i.amount is not None]
    return sum(amounts) if amounts else None
