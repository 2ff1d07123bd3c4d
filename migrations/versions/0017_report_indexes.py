"""indexes the reports need at 100k+ tickets

The tickets filed in a period are read from one index holding every column a report
counts (the rows themselves, with descriptions and JSON, are many times wider); what was
resolved or closed since a day has its own, with the filters' columns; the visits
(check-ins) and work logs since a day are counted from indexes alone. bench/reports.py
measures them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 11:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

#: As repairapp.tickets.models.REPORT_COLUMNS stood at this revision.
REPORT_COLUMNS = [
    "customer_id", "asset_id", "category", "severity", "plan_id", "plan_name", "assignee_id",
    "merged_into_id", "responded_at", "resolved_at", "closed_at", "response_due_at",
    "resolution_due_at", "response_breached", "resolution_breached", "rating", "reopen_count",
    "response_working_minutes", "response_wall_minutes", "resolution_working_minutes",
    "resolution_wall_minutes", "id",
]
INDEXES = [
    ("ix_tickets_created_at_report", "tickets", ["created_at", *REPORT_COLUMNS]),
    ("ix_tickets_resolved_at_closed_at", "tickets",
     ["resolved_at", "closed_at", "created_at", "customer_id", "plan_id", "category",
      "assignee_id", "asset_id"]),
    ("ix_ticket_events_kind_created_at", "ticket_events",
     ["kind", "created_at", "actor_id", "ticket_id"]),
    ("ix_work_logs_created_at", "work_logs", ["created_at", "user_id", "minutes", "ticket_id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
