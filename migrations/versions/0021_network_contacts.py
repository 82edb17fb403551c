"""The network's contact data: each organisation's address, phone, office hours and contact
person; each district's labour-dispute arbitration commission and legal-aid station (name,
address, phone), which the advice and the documents name instead of a name made up from the
district's

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

COLUMNS = {
    'organizations': (
        ('address', 200), ('phone', 30), ('office_hours', 200), ('contact', 50),
    ),
    'regions': (
        ('arbitration_commission', 200), ('arbitration_address', 200), ('arbitration_phone', 30),
        ('legal_aid_station', 200), ('legal_aid_address', 200), ('legal_aid_phone', 30),
    ),
}


def upgrade():
    # Nullable columns, added in place on both databases (no table rebuild).
    for table, columns in COLUMNS.items():
        for name, length in columns:
            op.add_column(table, sa.Column(name, sa.String(length=length), nullable=True))


def downgrade():
    for table, columns in COLUMNS.items():
        for name, _length in columns:
            if op.get_bind().dialect.name == 'sqlite':
                op.execute(f'ALTER TABLE {table} DROP COLUMN {name}')  # in place, SQLite 3.35+
            else:
                op.drop_column(table, name)
