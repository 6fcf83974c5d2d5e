"""referral rounds (第2次移送…) and the urgent limit's moment

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01 00:00:00
"""

from datetime import timedelta

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('referrals', sa.Column('send_due_at', sa.DateTime(), nullable=True))
    op.add_column('referrals', sa.Column('round_no', sa.Integer(), server_default='1', nullable=False))
    op.create_table(
        'referral_rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('round_no', sa.Integer(), nullable=False),
        sa.Column('from_agency_id', sa.Integer(), nullable=False),
        sa.Column('to_agency_id', sa.Integer(), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('send_due_on', sa.Date(), nullable=True),
        sa.Column('send_due_at', sa.DateTime(), nullable=True),
        sa.Column('criminal', sa.Boolean(), nullable=False),
        sa.Column('approved_by', sa.String(length=50), nullable=True),
        sa.Column('ack_due_on', sa.Date(), nullable=True),
        sa.Column('ack_due_provisional', sa.Boolean(), nullable=False),
        sa.Column('ack_on', sa.Date(), nullable=True),
        sa.Column('ack_outcome', sa.String(length=12), nullable=True),
        sa.Column('ack_reason', sa.Text(), nullable=True),
        sa.Column('ack_workdays', sa.Integer(), nullable=True),
        sa.Column('archived_at', sa.DateTime(), nullable=False),
        sa.Column('archived_by', sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(['from_agency_id'], ['agencies.id'], ),
        sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ),
        sa.ForeignKeyConstraint(['to_agency_id'], ['agencies.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('referral_id', 'round_no', name='uq_referral_rounds_round'),
    )
    with op.batch_alter_table('referral_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_referral_rounds_sent_on', ['sent_on'], unique=False)
        batch_op.create_index('ix_referral_rounds_to_sent', ['to_agency_id', 'sent_on'], unique=False)
    _fill_urgent_moments()


def _fill_urgent_moments() -> None:
    """Urgent referrals recorded with their time of discovery get the moment their 24 hours
    (the office's setting) ran out, so that their sending is judged in hours from now on."""
    conn = op.get_bind()
    hours = conn.execute(sa.text("SELECT value FROM rule_settings WHERE key = 'urgent_send_hours'")).scalar()
    hours = int(hours) if hours else 24
    rows = conn.execute(sa.text(
        "SELECT id, discovered_at FROM referrals WHERE urgency = 'urgent' AND discovered_at IS NOT NULL"
    ).columns(id=sa.Integer(), discovered_at=sa.DateTime())).all()
    stmt = sa.text("UPDATE referrals SET send_due_at = :at WHERE id = :id").bindparams(
        sa.bindparam("at", type_=sa.DateTime()))
    for ref_id, found in rows:
        conn.execute(stmt, {"id": ref_id, "at": found + timedelta(hours=hours)})


def downgrade() -> None:
    with op.batch_alter_table('referral_rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_rounds_to_sent')
        batch_op.drop_index('ix_referral_rounds_sent_on')
    op.drop_table('referral_rounds')
    # A plain DROP COLUMN (SQLite >= 3.35): a batch copy of referrals would have to drop the
    # table that other tables' foreign keys point at.
    op.drop_column('referrals', 'round_no')
    op.drop_column('referrals', 'send_due_at')
