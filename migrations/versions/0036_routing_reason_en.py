"""The English name of the routing rule a case was routed by

A case routed by a rule an administrator added keeps the rule's name as its reason; the case
page showed that Chinese name in the English interface too. The rule's English name is kept
beside it. Cases routed before keep the English name their rule has now, if it has one.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: SQLite would rebuild the table and copy into its generated column
    # (see 0014); a nullable column is added in place on both databases.
    op.add_column('cases', sa.Column('routing_reason_en', sa.Text(), nullable=True))
    # Built-in rules are stored by key (key IS NOT NULL), worded by the page: only the
    # administrators' rules, matched by name (two rules of one name: either English name).
    op.execute(
        'UPDATE cases SET routing_reason_en = ('
        ' SELECT max(rules.name_en) FROM routing_rules AS rules'
        ' WHERE rules.key IS NULL AND rules.name = cases.routing_reason)'
        ' WHERE routing_reason IN ('
        ' SELECT name FROM routing_rules WHERE key IS NULL AND name_en IS NOT NULL)'
    )


def downgrade():
    op.drop_column('cases', 'routing_reason_en')
