"""quotes for chargeable work, not-a-quality-fault, parts catalogue

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

QUOTE_STATUS = sa.Enum('DRAFT', 'SENT', 'APPROVED', 'DECLINED', name='quotestatus',
                       native_enum=False, length=20)
LINE_KIND = sa.Enum('REMOTE_FEE', 'VISIT_FEE', 'PERSON_DAY', 'TRAVEL_DAY', 'TRAVEL_COST', 'PART',
                    name='linekind', native_enum=False, length=20)
REASON = sa.Enum('MISUSE', 'THIRD_PARTY', 'POWER_ENVIRONMENT', 'OTHER', name='notqualityreason',
                 native_enum=False, length=20)


def upgrade():
    op.create_table(
        'parts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=20), nullable=False),
        sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('is_archived', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('price >= 0', name=op.f('ck_parts_price_not_negative')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_parts')),
        sa.UniqueConstraint('code', name=op.f('uq_parts_code')),
    )
    op.create_table(
        'quotes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('status', QUOTE_STATUS, nullable=False),
        sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('tax_percent', sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column('tax', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('resumes_to', sa.String(length=20), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_name', sa.String(length=100), nullable=False),
        sa.Column('decline_reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_quotes_created_by_id_users')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_quotes_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes')),
        sa.UniqueConstraint('ticket_id', 'version', name=op.f('uq_quotes_ticket_id_version')),
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_ticket_id'), ['ticket_id'], unique=False)

    op.create_table(
        'quote_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('quote_id', sa.Integer(), nullable=False),
        sa.Column('kind', LINE_KIND, nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column('unit_price', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('part_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_quote_lines_quantity_positive')),
        sa.ForeignKeyConstraint(['part_id'], ['parts.id'],
                                name=op.f('fk_quote_lines_part_id_parts')),
        sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'],
                                name=op.f('fk_quote_lines_quote_id_quotes')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_lines')),
    )
    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_lines_quote_id'), ['quote_id'], unique=False)

    op.create_table(
        'not_quality_faults',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('reason', REASON, nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_not_quality_faults_created_by_id_users')),
        sa.ForeignKeyConstraint(['event_id'], ['ticket_events.id'],
                                name=op.f('fk_not_quality_faults_event_id_ticket_events')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_not_quality_faults_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_not_quality_faults')),
        sa.UniqueConstraint('ticket_id', name=op.f('uq_not_quality_faults_ticket_id')),
    )

    # Parts used so far stay free text (no catalogue part).
    with op.batch_alter_table('parts_used', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_parts_used_part_id_parts'), 'parts',
                                    ['part_id'], ['id'])


def downgrade():
    with op.batch_alter_table('parts_used', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_parts_used_part_id_parts'), type_='foreignkey')
        batch_op.drop_column('part_id')
    op.drop_table('not_quality_faults')
    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_lines_quote_id'))
    op.drop_table('quote_lines')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_ticket_id'))
    op.drop_table('quotes')
    op.drop_table('parts')
