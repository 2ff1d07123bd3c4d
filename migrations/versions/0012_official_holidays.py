"""official holiday schedules an admin enters for a year (placeholder, filled by the calendar work)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 00:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('official_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_holidays')),
    sa.UniqueConstraint('day', name=op.f('uq_official_holidays_day'))
    )


def downgrade():
    op.drop_table('official_holidays')
