"""meetings.started_on: the day a meeting was actually held

Revision ID: 0005
Revises: 0001

A meeting may be opened before or after its scheduled day (``held_on``); the minutes, the
decisions and every agency page then use the day it was held. Empty until it is started.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('started_on')
