"""tickets merged into an earlier one (placeholder, filled by the dispatch work)

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
    pass


def downgrade():
    pass
