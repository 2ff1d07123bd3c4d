"""duplicate tickets: a later ticket on the same machine merged into the earlier one

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tickets_merged_into_id_tickets'),
                                    'tickets', ['merged_into_id'], ['id'])
        # The ticket page's "also reported by" looks tickets up by it, and without an index
        # PostgreSQL scans the table for every ticket deleted (the foreign key's check).
        batch_op.create_index(batch_op.f('ix_tickets_merged_into_id'), ['merged_into_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_merged_into_id'))
        batch_op.drop_constraint(batch_op.f('fk_tickets_merged_into_id_tickets'),
                                 type_='foreignkey')
        batch_op.drop_column('merged_into_id')
