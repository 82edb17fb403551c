"""The deadline sweep's indexes: it finds what is due by them, not by reading every row

Every five minutes the sweep looks for agreements whose payment date has just passed or fell
about a year ago (``agreements.due_date``), cases whose job ended about a year ago
(``cases.employment_end``: the limitation of wages claims), documents still waiting to be
served and sessions still to be held. Without these it read all agreements, all cases, all
services and all sessions ever written; the last two are partial, holding only the rows
still waiting (a few days' worth).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

WAITING = sa.text('served_at IS NULL AND flagged_at IS NULL')
SCHEDULED = sa.text("status = 'scheduled'")


def upgrade():
    op.create_index('ix_agreements_due_date', 'agreements', ['due_date'])
    op.create_index('ix_cases_employment_end', 'cases', ['employment_end'])
    op.create_index(
        'ix_document_services_waiting',
        'document_services',
        ['notified_at'],
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )
    op.create_index(
        'ix_mediation_sessions_scheduled',
        'mediation_sessions',
        ['starts_at'],
        postgresql_where=SCHEDULED,
        sqlite_where=SCHEDULED,
    )


def downgrade():
    op.drop_index('ix_mediation_sessions_scheduled', table_name='mediation_sessions')
    op.drop_index('ix_document_services_waiting', table_name='document_services')
    op.drop_index('ix_cases_employment_end', table_name='cases')
    op.drop_index('ix_agreements_due_date', table_name='agreements')
