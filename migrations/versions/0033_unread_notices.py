"""The unread notices of a user, indexed

Every page counts the reader's unread notices for the header's badge, and opening a case
marks them read. With only ``user_id`` indexed both read every notice the user ever had;
a partial index holds just the unread ones.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    unread = sa.text('read_at IS NULL')
    op.create_index(
        'ix_notifications_unread',
        'notifications',
        ['user_id'],
        postgresql_where=unread,
        sqlite_where=unread,
    )


def downgrade():
    op.drop_index('ix_notifications_unread', table_name='notifications')
