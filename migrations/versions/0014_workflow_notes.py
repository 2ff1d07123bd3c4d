"""what a ticket waits for (placeholder, filled by the workflow work)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
