"""Network onboarding and translated display names

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


# The name in English of an organisation and of a routing rule, shown when the interface is
# English and one is entered (mediation.i18n.display_name).
COLUMNS = (('organizations', 200), ('routing_rules', 100))


def upgrade():
    for table, length in COLUMNS:
        op.add_column(table, sa.Column('name_en', sa.String(length=length), nullable=True))


def downgrade():
    for table, _length in COLUMNS:
        op.drop_column(table, 'name_en')
