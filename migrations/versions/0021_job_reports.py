"""signed job service reports (服务报告单) with versions

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 11:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
