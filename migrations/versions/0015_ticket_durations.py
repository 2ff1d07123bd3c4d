"""ticket durations: response and resolution times stored once, for reports

Working minutes follow the plan's calendar frozen on the ticket, so they are filled in by
the application (`flask --app wsgi reports backfill` for tickets from before this change);
the migration only adds the columns.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 04:55:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

COLUMNS = ('response_working_minutes', 'response_wall_minutes',
           'resolution_working_minutes', 'resolution_wall_minutes')


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
