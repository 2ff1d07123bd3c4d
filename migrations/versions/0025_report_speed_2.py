"""report speed 2: each ticket's check-ins counted on the ticket

The first-time-fix rate counts the resolved, never reopened tickets visited at most once.
Until now a report grouped every check-in since the period's start to find the tickets
visited twice (a third of the one-row totals' time over 100,000 tickets). tickets.visit_count
holds the number of CHECK_IN events. This migration fills it from the events already
recorded, and the ORM keeps it current from here on (repairapp.tickets.models._count_visits).
The two report indexes that hold every column a figure counts are rebuilt with it, so a report
still reads the period from the index alone.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 17:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

#: As repairapp.tickets.models.REPORT_COLUMNS stood before this revision.
BEFORE = [
    "customer_id", "asset_id", "category", "severity", "plan_id", "plan_name", "assignee_id",
    "merged_into_id", "responded_at", "resolved_at", "closed_at", "response_due_at",
    "resolution_due_at", "response_breached", "resolution_breached", "rating", "reopen_count",
    "response_working_minutes", "response_wall_minutes", "resolution_working_minutes",
    "resolution_wall_minutes", "id",
]
#: ... and after it.
AFTER = [*BEFORE[:-1], "visit_count", "id"]


def _indexes(columns):
    return [
        ("ix_tickets_created_at_report", ["created_at", *columns]),
        ("ix_tickets_customer_id_report",
         ["customer_id", "created_at", *(c for c in columns if c != "customer_id")]),
    ]


def upgrade():
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("visit_count", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.execute(
        "UPDATE tickets SET visit_count = (SELECT count(*) FROM ticket_events"
        " WHERE ticket_events.ticket_id = tickets.id AND ticket_events.kind = 'CHECK_IN')"
        " WHERE id IN (SELECT ticket_id FROM ticket_events WHERE kind = 'CHECK_IN')")
    for name, columns in _indexes(AFTER):
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", columns, unique=False)


def downgrade():
    for name, columns in _indexes(BEFORE):
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", columns, unique=False)
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("visit_count")
