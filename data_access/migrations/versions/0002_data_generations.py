"""data generations: one counter per area of data, the key of the cached reads

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0006'
branch_labels = None
depends_on = None

# The areas as of this revision (data_access.generations.AREAS); an area added later gets
# its row on its first write.
AREAS = ("agencies", "assistance", "disputes", "meetings", "operations", "referrals", "settings")


def upgrade() -> None:
    table = op.create_table(
        'data_generations',
        sa.Column('area', sa.String(length=30), nullable=False),
        sa.Column('generation', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('area'),
    )
    op.bulk_insert(table, [{'area': area, 'generation': 0} for area in AREAS])


def downgrade() -> None:
    op.drop_table('data_generations')
