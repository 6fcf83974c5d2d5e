"""indexes for the pages at a million referrals: results reported in a period, and what an
agency awaits or owes as of a day

SQLite keeps no statistics and chooses plans by rule. Without ``result_on`` it answered
"results reported in the period, by receiving agency" by walking the whole (to_agency_id,
sent_on) index for its GROUP BY order: 4.2 s at 1M referrals, twice per overview. An agency's
page looked for its unacknowledged referrals through (to_agency_id, sent_on), i.e. the
agency's whole history (132,000 rows for the busiest at 1M); (to_agency_id, ack_on) and
(from_agency_id, ack_on) go straight to the few it still awaits or owes.

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
    op.create_index('ix_referrals_to_ack', 'referrals', ['to_agency_id', 'ack_on', 'sent_on'])
    op.create_index('ix_referrals_from_ack', 'referrals', ['from_agency_id', 'ack_on', 'sent_on'])


def downgrade() -> None:
    op.drop_index('ix_referrals_from_ack', table_name='referrals')
    op.drop_index('ix_referrals_to_ack', table_name='referrals')
    op.drop_index('ix_referrals_result_on', table_name='referrals')
