"""contract money: plan fees, pay-first, payments, renewal notices

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # Existing plans have no fee on record and serve before payment, as they did; existing
    # contracts are unpaid on record (a pay-first plan is a new setting an admin turns on).
    with op.batch_alter_table('service_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_rate_percent', sa.Numeric(precision=5, scale=2),
                                      nullable=True))
        batch_op.add_column(sa.Column('fee_annual', sa.Numeric(precision=12, scale=2),
                                      nullable=True))
        batch_op.add_column(sa.Column('is_pay_first', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_check_constraint(
            op.f('ck_service_plans_one_fee'), 'fee_rate_percent IS NULL OR fee_annual IS NULL')
        batch_op.create_check_constraint(
            op.f('ck_service_plans_fee_not_negative'),
            'fee_rate_percent >= 0 AND fee_annual >= 0')
    with op.batch_alter_table('service_plans', schema=None) as batch_op:
        batch_op.alter_column('is_pay_first', server_default=None)

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('payment_reference', sa.String(length=120),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('payment_reference', server_default=None)

    # A renewal notice is a message about no ticket.
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.alter_column('notification_id', existing_type=sa.Integer(), nullable=True)

    op.create_table(
        'renewal_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('threshold_days', sa.Integer(), nullable=False),
        sa.Column('days_left', sa.Integer(), nullable=False),
        sa.Column('sent_to', sa.String(length=1000), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], ondelete='CASCADE',
                                name=op.f('fk_renewal_notices_contract_id_contracts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_renewal_notices')),
        # One notice per contract and threshold, however many sweeps insert it at once.
        sa.UniqueConstraint('contract_id', 'threshold_days',
                            name=op.f('uq_renewal_notices_contract_id_threshold_days')),
    )


def downgrade():
    op.drop_table('renewal_notices')
    # Messages about no ticket cannot stay once every message must name one.
    op.execute('DELETE FROM notification_deliveries WHERE notification_id IS NULL')
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.alter_column('notification_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('payment_reference')
        batch_op.drop_column('paid_on')
    with op.batch_alter_table('service_plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_service_plans_fee_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_service_plans_one_fee'), type_='check')
        batch_op.drop_column('is_pay_first')
        batch_op.drop_column('fee_annual')
        batch_op.drop_column('fee_rate_percent')
