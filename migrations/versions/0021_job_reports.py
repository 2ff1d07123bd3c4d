"""signed job service reports (服务报告单) with versions

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('signer_name', sa.String(length=100), nullable=False),
        sa.Column('signature_png', sa.LargeBinary(), nullable=True),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('content_sha256', sa.String(length=64), nullable=False),
        sa.Column('supersedes_id', sa.Integer(), nullable=True),
        sa.Column('change_note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_job_reports_created_by_id_users')),
        sa.ForeignKeyConstraint(['supersedes_id'], ['job_reports.id'],
                                name=op.f('fk_job_reports_supersedes_id_job_reports')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_job_reports_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_reports')),
        # One row per version: two phones signing at once cannot both make version n.
        sa.UniqueConstraint('ticket_id', 'version', name=op.f('uq_job_reports_ticket_id_version')),
    )
    with op.batch_alter_table('job_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_reports_ticket_id'), ['ticket_id'], unique=False)


def downgrade():
    with op.batch_alter_table('job_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_reports_ticket_id'))
    op.drop_table('job_reports')
