"""The done view searched by an employer's USCC reads a page of that employer's closed cases
in order from an index

A USCC typed in the worklist's search names one employer; its closed cases of the
organisation were read from the index by organisation and employer and sorted, a heap read
for each (about 15 ms for an employer with 1,300 closed cases at a million cases). A partial
index of closed cases by organisation, employer and closing time gives the page in order.
PostgreSQL only, as the other search indexes (0030); SQLite, the small installs' database,
scans. Building it takes about 2 s per million cases and blocks writes to cases meanwhile.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-03 14:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index(
        'ix_cases_done_by_employer', 'cases',
        ['organization_id', 'employer_id', 'closed_at', 'id'],
        unique=False,
        postgresql_where=sa.text("state IN ('closed', 'archived')"),
    )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_cases_done_by_employer', table_name='cases')
