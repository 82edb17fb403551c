"""An employer's cases are indexed with the moment each was received

The early warning checked at every filing (mediation.stats.alerts.check_new_case) reads the
employer's cases of the last 30 days. By the index on the employer alone, PostgreSQL read the
employer's whole history and kept the recent ones: 60,896 rows (31,654 pages) for the demo
company at a million cases, 0.29 s from disk, while the filing held its organisation's
case-number counter locked. Indexed with the moment received, it reads the four it needs. The
new index leads with the employer, so it also serves what the old one did. Both databases.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-04 12:20:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_cases_employer_received', 'cases', ['employer_id', 'received_at'])
    op.drop_index('ix_cases_employer_id', table_name='cases')


def downgrade():
    op.create_index('ix_cases_employer_id', 'cases', ['employer_id'])
    op.drop_index('ix_cases_employer_received', table_name='cases')
