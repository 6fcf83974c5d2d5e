"""responsibility list, matters on referrals and disputes, attachments

Revision ID: 0004
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'responsibilities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=60), nullable=True),
        sa.Column('matter', sa.String(length=300), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=20), nullable=True),
        sa.Column('from_department', sa.String(length=100), nullable=True),
        sa.Column('legal_basis', sa.Text(), nullable=True),
        sa.Column('settled_by_dispute_id', sa.Integer(), nullable=True),
        sa.Column('settled_on', sa.Date(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('updated_by', sa.String(length=50), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
        sa.ForeignKeyConstraint(['settled_by_dispute_id'], ['disputes.id'], name='fk_resp_settled_dispute'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    with op.batch_alter_table('responsibilities', schema=None) as batch_op:
        batch_op.create_index('ix_resp_matter_agency', ['matter', 'agency_id'], unique=False)
        batch_op.create_index('ix_resp_agency', ['agency_id'], unique=False)
        batch_op.create_index('ix_resp_domain', ['domain'], unique=False)

    op.create_table(
        'dispute_matters',
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('responsibility_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], ),
        sa.ForeignKeyConstraint(['responsibility_id'], ['responsibilities.id'], ),
        sa.PrimaryKeyConstraint('dispute_id', 'responsibility_id'),
    )
    with op.batch_alter_table('dispute_matters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_matters_responsibility_id'), ['responsibility_id'], unique=False)

    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_type', sa.String(length=12), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('material', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('mime', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=50), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_owner', ['owner_type', 'owner_id'], unique=False)

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('matter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('routing_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_referrals_matter_id'), ['matter_id'], unique=False)
        batch_op.create_foreign_key('fk_referrals_matter_id', 'responsibilities', ['matter_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_referrals_matter_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_referrals_matter_id'))
        batch_op.drop_column('routing_reason')
        batch_op.drop_column('matter_id')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_owner')
    op.drop_table('attachments')
    with op.batch_alter_table('dispute_matters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_matters_responsibility_id'))
    op.drop_table('dispute_matters')
    with op.batch_alter_table('responsibilities', schema=None) as batch_op:
        batch_op.drop_index('ix_resp_domain')
        batch_op.drop_index('ix_resp_agency')
        batch_op.drop_index('ix_resp_matter_agency')
    op.drop_table('responsibilities')
