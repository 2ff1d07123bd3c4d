"""done today / this week: an index for a technician's latest fixes

What a ticket waits for and the note written for the customer need no column: they are the
notes of the "waiting for customer" and "resolved" status events.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_assignee_id_resolved_at',
                              ['assignee_id', 'resolved_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_assignee_id_resolved_at')
