"""notification channels, the record of what was sent, notice reads

Revision ID: 0003
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notify_channels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notify_channels_agency_id', 'notify_channels', ['agency_id'])
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['channel_id'], ['notify_channels.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notifications_status', 'notifications', ['status'])
    op.create_index('ix_notifications_channel_id', 'notifications', ['channel_id'])
    op.create_index('ix_notifications_agency_id', 'notifications', ['agency_id'])
    op.create_table(
        'notification_keys',
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id']),
        sa.ForeignKeyConstraint(['channel_id'], ['notify_channels.id']),
        sa.PrimaryKeyConstraint('notification_id', 'key'),
    )
    op.create_index('ix_notification_keys_key', 'notification_keys', ['key', 'channel_id'])
    op.create_table(
        'notice_reads',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('seen_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('notice_reads')
    op.drop_index('ix_notification_keys_key', table_name='notification_keys')
    op.drop_table('notification_keys')
    op.drop_index('ix_notifications_agency_id', table_name='notifications')
    op.drop_index('ix_notifications_channel_id', table_name='notifications')
    op.drop_index('ix_notifications_status', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index('ix_notify_channels_agency_id', table_name='notify_channels')
    op.drop_table('notify_channels')
