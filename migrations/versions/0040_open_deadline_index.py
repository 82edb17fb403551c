"""The count of open cases past their deadline reads only the index of the open cases' deadlines

Every dashboard counts, for its period, the open cases past their deadline
(stats.compute._as_of_today). The index on ``case_figures.open_deadline`` held every case, a
million entries of which 35,000 are not null at a million cases, and the count read a table
row for each one past its deadline to test the day received and the organisation (a year:
736 pages, 2.0 ms). The index now holds the open cases only, with what the count filters on:
0.3 ms, and no entry to keep for a closed case. Both databases, as 0032's.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-04 05:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_case_figures_open_deadline', table_name='case_figures')
    op.create_index(
        'ix_case_figures_open_deadline', 'case_figures', ['open_deadline'],
        postgresql_include=[
            'received_on', 'organization_id', 'tier', 'channel', 'category_mask',
            'priority_mask',
        ],
        postgresql_where=sa.text('open_deadline IS NOT NULL'),
        sqlite_where=sa.text('open_deadline IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_case_figures_open_deadline', table_name='case_figures')
    op.create_index('ix_case_figures_open_deadline', 'case_figures', ['open_deadline'])
