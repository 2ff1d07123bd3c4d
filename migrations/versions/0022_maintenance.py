"""preventive maintenance plans, visits and inspection checklists

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=20)


TARGET = _enum('target', 'ASSET', 'MODEL', 'CONTRACT')
UNIT = _enum('unit', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR')
ANCHOR = _enum('anchor', 'FIXED', 'COMPLETION')
SHIFT = _enum('shift', 'BEFORE', 'AFTER')
KIND = _enum('itemkind', 'PASS_FAIL', 'NUMBER', 'TEXT', 'PHOTO')
STATUS = _enum('visitstatus', 'PLANNED', 'IN_PROGRESS', 'DONE', 'CANCELLED')


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'],
                                   name=op.f(f'fk_{table}_{column}_{target}'))


def upgrade():
    op.create_table(
        'maintenance_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('target', TARGET, nullable=False),
        sa.Column('asset_id', sa.Integer(), nullable=True),
        sa.Column('model', sa.String(length=120), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=True),
        sa.Column('every', sa.Integer(), nullable=False),
        sa.Column('unit', UNIT, nullable=False),
        sa.Column('anchor', ANCHOR, nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=True),
        sa.Column('shift', SHIFT, nullable=False),
        sa.Column('notice_days', sa.Integer(), nullable=False),
        sa.Column('engineer_id', sa.Integer(), nullable=True),
        sa.Column('is_archived', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('every >= 1', name=op.f('ck_maintenance_plans_every_positive')),
        sa.CheckConstraint('notice_days >= 0',
                           name=op.f('ck_maintenance_plans_notice_not_negative')),
        _fk('maintenance_plans', 'asset_id', 'assets'),
        _fk('maintenance_plans', 'calendar_id', 'service_calendars'),
        _fk('maintenance_plans', 'contract_id', 'contracts'),
        _fk('maintenance_plans', 'engineer_id', 'users'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_plans')),
    )
    with op.batch_alter_table('maintenance_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_plans_asset_id'), ['asset_id'])
        batch_op.create_index(batch_op.f('ix_maintenance_plans_contract_id'), ['contract_id'])

    op.create_table(
        'maintenance_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('kind', KIND, nullable=False),
        sa.Column('min_value', sa.Numeric(precision=12, scale=3), nullable=True),
        sa.Column('max_value', sa.Numeric(precision=12, scale=3), nullable=True),
        sa.Column('is_required', sa.Boolean(), nullable=False),
        _fk('maintenance_items', 'plan_id', 'maintenance_plans'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_items')),
    )
    with op.batch_alter_table('maintenance_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_items_plan_id'), ['plan_id'])

    op.create_table(
        'maintenance_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('asset_id', sa.Integer(), nullable=False),
        sa.Column('period_key', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        _fk('maintenance_visits', 'asset_id', 'assets'),
        _fk('maintenance_visits', 'assignee_id', 'users'),
        _fk('maintenance_visits', 'plan_id', 'maintenance_plans'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_visits')),
        # One visit per plan, machine and period, however many sweeps insert it at once.
        sa.UniqueConstraint('plan_id', 'asset_id', 'period_key',
                            name=op.f('uq_maintenance_visits_plan_id_asset_id_period_key')),
    )
    with op.batch_alter_table('maintenance_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_visits_asset_id'), ['asset_id'])
        batch_op.create_index(batch_op.f('ix_maintenance_visits_due_date'), ['due_date'])
        batch_op.create_index('ix_maintenance_visits_assignee_id_status',
                              ['assignee_id', 'status'])

    op.create_table(
        'maintenance_results',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=500), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        _fk('maintenance_results', 'item_id', 'maintenance_items'),
        _fk('maintenance_results', 'ticket_id', 'tickets'),
        _fk('maintenance_results', 'visit_id', 'maintenance_visits'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_results')),
        sa.UniqueConstraint('visit_id', 'item_id',
                            name=op.f('uq_maintenance_results_visit_id_item_id')),
    )
    with op.batch_alter_table('maintenance_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_results_ticket_id'), ['ticket_id'])

    op.create_table(
        'maintenance_photos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('result_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        _fk('maintenance_photos', 'result_id', 'maintenance_results'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_photos')),
    )
    with op.batch_alter_table('maintenance_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_photos_result_id'), ['result_id'])


def downgrade():
    with op.batch_alter_table('maintenance_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_photos_result_id'))
    op.drop_table('maintenance_photos')
    with op.batch_alter_table('maintenance_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_results_ticket_id'))
    op.drop_table('maintenance_results')
    with op.batch_alter_table('maintenance_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_maintenance_visits_assignee_id_status')
        batch_op.drop_index(batch_op.f('ix_maintenance_visits_due_date'))
        batch_op.drop_index(batch_op.f('ix_maintenance_visits_asset_id'))
    op.drop_table('maintenance_visits')
    with op.batch_alter_table('maintenance_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_items_plan_id'))
    op.drop_table('maintenance_items')
    with op.batch_alter_table('maintenance_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_plans_contract_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_plans_asset_id'))
    op.drop_table('maintenance_plans')
