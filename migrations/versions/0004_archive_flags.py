"""archive flags on customers, sites, assets, service plans and contracts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 17:48:14.753969

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


TABLES = ('assets', 'contracts', 'customers', 'service_plans', 'sites')


def upgrade():
    # Existing rows are not archived; the default is only there while they are filled in.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('is_archived', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('is_archived', server_default=None)


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('is_archived')
