"""Documents: a notice that the mediation period expired without agreement

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD_KINDS = ('application', 'acceptance_notice', 'decline_notice', 'agreement',
             'termination_notice')
NEW_KINDS = (*OLD_KINDS, 'period_expired_notice')


def _kind(kinds):
    return sa.Enum(*kinds, name='document_kind', native_enum=False, create_constraint=True,
                   length=max(map(len, kinds)))


def upgrade():
    # The kind is a VARCHAR with a CHECK listing the kinds: widen both.
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kind(OLD_KINDS), type_=_kind(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM case_documents WHERE kind = 'period_expired_notice'")
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kind(NEW_KINDS), type_=_kind(OLD_KINDS))
