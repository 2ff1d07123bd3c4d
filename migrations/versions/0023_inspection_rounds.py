"""inspection rounds: a visit's place in its round, and the signed inspection reports

A round is not a table: it is the visits of one technician at one site due on one day
(docs/maintenance.md says why). The visits get their order in the round and the report that
covers them; a report is one visit's or a whole round's, signed once and never changed.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 16:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inspection_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('is_round', sa.Boolean(), nullable=False),
        sa.Column('technician_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=False),
        sa.Column('signer_name', sa.String(length=100), nullable=False),
        sa.Column('signature_png', sa.LargeBinary(), nullable=True),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('content_sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'],
                                name=op.f('fk_inspection_reports_site_id_sites')),
        sa.ForeignKeyConstraint(['technician_id'], ['users.id'],
                                name=op.f('fk_inspection_reports_technician_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_reports')),
    )
    with op.batch_alter_table('inspection_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_reports_site_id'), ['site_id'])

    # SQLite cannot add a foreign key to an existing table: batch mode copies the table.
    with op.batch_alter_table('maintenance_visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_maintenance_visits_report_id_inspection_reports'),
            'inspection_reports', ['report_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_maintenance_visits_report_id'), ['report_id'])


def downgrade():
    with op.batch_alter_table('maintenance_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_visits_report_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_maintenance_visits_report_id_inspection_reports'),
            type_='foreignkey')
        batch_op.drop_column('report_id')
        batch_op.drop_column('round_position')
    with op.batch_alter_table('inspection_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_reports_site_id'))
    op.drop_table('inspection_reports')
