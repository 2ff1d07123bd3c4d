"""report speed (placeholder: filled in by the work that needs it)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 16:30:00

"""

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
