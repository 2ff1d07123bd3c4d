"""follow-ups (回访) and complaints; key customers

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

KIND = sa.Enum('TICKET', 'KEY_CUSTOMER', name='followupkind', native_enum=False, length=20)
SOURCE = sa.Enum('TRACKING', 'STAFF', name='complaintsource', native_enum=False, length=20)
STATUS = sa.Enum('OPEN', 'CLOSED', name='complaintstatus', native_enum=False, length=20)


def upgrade():
    # Existing customers are not key customers; the default is only there while filling in.
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_key', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.alter_column('is_key', server_default=None)

    op.create_table(
        'follow_ups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', KIND, nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.Column('by_requester', sa.Boolean(), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('satisfaction', sa.Integer(), nullable=True),
        sa.Column('stays_fixed', sa.Boolean(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_follow_ups_customer_id_customers')),
        sa.ForeignKeyConstraint(['done_by_id'], ['users.id'],
                                name=op.f('fk_follow_ups_done_by_id_users')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_follow_ups_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
        # One task per key customer and period, however many sweeps insert it at once.
        sa.UniqueConstraint('customer_id', 'period', name=op.f('uq_follow_ups_customer_id_period')),
        sa.UniqueConstraint('ticket_id', name=op.f('uq_follow_ups_ticket_id')),
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_customer_id'), ['customer_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_due_at'), ['due_at'], unique=False)

    op.create_table(
        'complaints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', SOURCE, nullable=False),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('caller_name', sa.String(length=100), nullable=False),
        sa.Column('caller_phone', sa.String(length=40), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_complaints_created_by_id_users')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_complaints_customer_id_customers')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'],
                                name=op.f('fk_complaints_owner_id_users')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_complaints_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        for column in ('created_at', 'customer_id', 'owner_id', 'status', 'ticket_id'):
            batch_op.create_index(batch_op.f(f'ix_complaints_{column}'), [column], unique=False)


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        for column in ('ticket_id', 'status', 'owner_id', 'customer_id', 'created_at'):
            batch_op.drop_index(batch_op.f(f'ix_complaints_{column}'))
    op.drop_table('complaints')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_due_at'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_customer_id'))
    op.drop_table('follow_ups')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('is_key')
