"""an index on referrals.result_on: results reported in a period, per agency

Without it SQLite (which keeps no statistics) answered "results reported in the period, by
receiving agency" by walking the whole (to_agency_id, sent_on) index for its GROUP BY order:
4.2 s at 1M referrals, twice per overview.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 00:00:00
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_referrals_result_on', 'referrals', ['result_on'])


def downgrade() -> None:
    op.drop_index('ix_referrals_result_on', table_name='referrals')
