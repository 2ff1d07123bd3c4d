"""report speed: a customer's tickets and the follow-ups due in a period from indexes alone

The customer's service report reads one customer's tickets filed in a period: an index
led by the customer, then the filing time, holding every column a figure counts (as
ix_tickets_created_at_report does for the whole period) reads those and no other
customer's. The follow-ups due in a period are counted from an index holding what the
counts need, without visiting the rows. bench/reports.py measures them.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 16:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

#: As repairapp.tickets.models.REPORT_COLUMNS stood at this revision, the customer aside.
CUSTOMER_REPORT_COLUMNS = [
    "customer_id", "created_at", "asset_id", "category", "severity", "plan_id", "plan_name",
    "assignee_id", "merged_into_id", "responded_at", "resolved_at", "closed_at",
    "response_due_at", "resolution_due_at", "response_breached", "resolution_breached",
    "rating", "reopen_count", "response_working_minutes", "response_wall_minutes",
    "resolution_working_minutes", "resolution_wall_minutes", "id",
]
INDEXES = [
    ("ix_tickets_customer_id_report", "tickets", CUSTOMER_REPORT_COLUMNS),
    ("ix_follow_ups_due_at_report", "follow_ups",
     ["due_at", "done_at", "by_requester", "satisfaction", "stays_fixed", "customer_id",
      "ticket_id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
