"""The done view's search finds a case number by its end, from an index of the numbers reversed

A case number is its organisation's prefix (capital letters and digits, no hyphen), the year
and a six-digit counter: ``FCJD-2026-152029``. Text that ends in a hyphen and six digits is
therefore held by a number only at the number's end. The trigram index (0030) answered such
text from the trigrams of the counter, which every number of the year shares with thousands
of others ("202" of the year in all of them): 10.5 ms of the 23 ms page for one number at a
million cases. The numbers reversed, in an index that compares text as bytes (LIKE with a
fixed start reads a range of it), answer "ends with" directly: 0.03 ms. PostgreSQL only (the
search on SQLite, the small installs' database, scans); about a second to build at a million
cases, 39 MB.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-04 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0045'
down_revision = '0044'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index(
        'ix_cases_number_reversed', 'cases',
        [sa.func.reverse(sa.literal_column('number')).label('number_reversed')],
        unique=False,
        postgresql_ops={'number_reversed': 'text_pattern_ops'},
    )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_cases_number_reversed', table_name='cases')
