"""customer service reports: recipients, account manager, links and sends

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Existing customers get no recipients and Chinese reports until an admin says otherwise.
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_emails', sa.String(length=1000), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('report_locale', sa.String(length=10), nullable=False,
                                      server_default='zh'))
        batch_op.add_column(sa.Column('account_manager_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_customers_account_manager_id_users'),
                                    'users', ['account_manager_id'], ['id'])
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.alter_column('report_emails', server_default=None)
        batch_op.alter_column('report_locale', server_default=None)

    op.create_table(
        'service_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('sent_to', sa.Text(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('send_attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_service_reports_customer_id_customers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_reports')),
        # One report per customer and period, however many senders run at once.
        sa.UniqueConstraint('customer_id', 'period_start', 'period_end',
                            name=op.f('uq_service_reports_customer_id_period_start_period_end')),
        sa.UniqueConstraint('token', name=op.f('uq_service_reports_token')),
    )
    with op.batch_alter_table('service_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_reports_customer_id'), ['customer_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('service_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_reports_customer_id'))
    op.drop_table('service_reports')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_customers_account_manager_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('account_manager_id')
        batch_op.drop_column('report_locale')
        batch_op.drop_column('report_emails')
