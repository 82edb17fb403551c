"""Worklist: each case's current deadline as a computed column, partial indexes for the
waiting, mine and done views of an organisation's worklist

On PostgreSQL adding the stored column rewrites the cases table (about ten seconds a
million cases, under an exclusive lock); plan the upgrade for a quiet hour.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

CURRENT_DEADLINE = (
    "CASE WHEN state = 'applied' THEN acceptance_deadline"
    " WHEN state IN ('accepted', 'mediating') THEN mediation_deadline END"
)
OPEN = "state IN ('applied', 'accepted', 'mediating')"
WAITING = f"{OPEN} AND mediator_id IS NULL"
DONE = "state IN ('closed', 'archived')"


def upgrade():
    column = sa.Column(
        'current_deadline', sa.Date(), sa.Computed(CURRENT_DEADLINE, persisted=True),
        nullable=True,
    )
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot add a stored generated column to a table: rebuild it.
        with op.batch_alter_table('cases', schema=None, recreate='always') as batch_op:
            batch_op.add_column(column)
    else:
        op.add_column('cases', column)
    op.create_index(
        'ix_cases_worklist_waiting', 'cases', ['organization_id', 'current_deadline', 'id'],
        unique=False, postgresql_where=sa.text(WAITING), sqlite_where=sa.text(WAITING),
    )
    op.create_index(
        'ix_cases_worklist_mine', 'cases',
        ['organization_id', 'mediator_id', 'current_deadline', 'id'], unique=False,
        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
    )
    op.create_index(
        'ix_cases_worklist_done', 'cases', ['organization_id', 'closed_at', 'id'], unique=False,
        postgresql_where=sa.text(DONE), sqlite_where=sa.text(DONE),
    )


def downgrade():
    op.drop_index('ix_cases_worklist_done', table_name='cases')
    op.drop_index('ix_cases_worklist_mine', table_name='cases')
    op.drop_index('ix_cases_worklist_waiting', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('current_deadline')
