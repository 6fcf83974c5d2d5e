"""published reports (通报)

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-30 21:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('period_code', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('docx', sa.LargeBinary(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'serial', name='uq_published_reports_number'),
    sa.UniqueConstraint('period_start', 'period_end', name='uq_published_reports_period')
    )
    op.create_index(op.f('ix_published_reports_period_start'), 'published_reports', ['period_start'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_published_reports_period_start'), table_name='published_reports')
    op.drop_table('published_reports')
