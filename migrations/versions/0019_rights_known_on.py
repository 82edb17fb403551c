"""The day the worker knew of the infringement, asked at filing: the one-year limitation for
arbitration runs from it (劳动争议调解仲裁法 第二十七条)

Existing cases have none: their limitation runs from the end of the employment, or else from
the application, as before.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 13:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: SQLite would rebuild the table and copy into its generated column
    # (current_deadline). A nullable column is added in place on both databases.
    op.add_column('cases', sa.Column('rights_known_on', sa.Date(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE cases DROP COLUMN rights_known_on')  # in place, SQLite 3.35+
    else:
        op.drop_column('cases', 'rights_known_on')
