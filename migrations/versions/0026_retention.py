"""Retention of personal data in closed cases

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# The closed cases whose personal data is still held: what the retention sweep reads, by
# outcome and day of closing.
RETAINED = "state IN ('closed', 'archived') AND anonymised_at IS NULL"
ANONYMISED = "anonymised_at IS NOT NULL"


def upgrade():
    op.add_column('cases', sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.create_index(
        'ix_cases_retention_due', 'cases', ['outcome', 'closed_at', 'id'], unique=False,
        postgresql_where=sa.text(RETAINED), sqlite_where=sa.text(RETAINED),
    )
    op.create_index(
        'ix_cases_anonymised_at', 'cases', ['anonymised_at'], unique=False,
        postgresql_where=sa.text(ANONYMISED), sqlite_where=sa.text(ANONYMISED),
    )


def downgrade():
    op.drop_index('ix_cases_anonymised_at', table_name='cases')
    op.drop_index('ix_cases_retention_due', table_name='cases')
    op.drop_column('cases', 'anonymised_at')
