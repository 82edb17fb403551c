"""Search indexes: on PostgreSQL the worklist's search (case number, applicant's name,
employer's name or USCC) reads indexes instead of the organisation's whole history

One GIN index of each case's organisation, number and applicant's name answers the search
within an organisation: pg_trgm's trigrams for three characters typed or more, and for one or
two (a two-character name is common; it has no trigram) each character and pair of characters
of the number and the name (search_grams); btree_gin puts the organisation in the same index.
The employers' names get a trigram index, and the cases an index by organisation and employer
for the cases of the employers found. SQLite, the small installs' database, keeps its scan.

Building them takes about a minute per million cases and blocks writes to cases meanwhile
(reads go on): plan the upgrade for a quiet hour. The downgrade drops the indexes and the
function and leaves the two extensions: they belong to the whole database (something else may
use them), and keeping them costs nothing.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

# Every character and every pair of neighbouring characters of the case number and of the
# applicant's name, lowercased as ILIKE compares: one or two characters are in a case's
# number or name, as ILIKE finds them, exactly when they are one of these. The parameters are
# varchar, the columns' type, so that the indexed expression is the plain call a query writes.
SEARCH_GRAMS = """
CREATE FUNCTION search_grams(number varchar, applicant_name varchar) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    grams text[] := '{}';
    value text;
BEGIN
    FOREACH value IN ARRAY ARRAY[lower(number), lower(applicant_name)] LOOP
        FOR i IN 1 .. length(value) LOOP
            grams := grams || substr(value, i, 1) || substr(value, i, 2);
        END LOOP;
    END LOOP;
    RETURN grams;
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # Both ship with PostgreSQL (contrib) and are trusted: the database's owner may add them.
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.execute('CREATE EXTENSION IF NOT EXISTS btree_gin')
    op.execute(SEARCH_GRAMS)
    # A GIN index builds faster with room to sort in (the default is 64 MB).
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.create_index(
        'ix_cases_search', 'cases',
        [
            'organization_id', 'number', 'applicant_name',
            sa.text('search_grams(number, applicant_name)'),
        ],
        unique=False, postgresql_using='gin',
        postgresql_ops={'number': 'gin_trgm_ops', 'applicant_name': 'gin_trgm_ops'},
    )
    op.create_index(
        'ix_cases_organization_employer', 'cases', ['organization_id', 'employer_id'],
        unique=False,
    )
    op.create_index(
        'ix_employers_name_trgm', 'employers', ['name'], unique=False,
        postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'},
    )
    # The planner's statistics of the new index's characters and pairs, now rather than
    # whenever autovacuum next analyses the table.
    op.execute('ANALYZE cases')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_employers_name_trgm', table_name='employers')
    op.drop_index('ix_cases_organization_employer', table_name='cases')
    op.drop_index('ix_cases_search', table_name='cases')
    op.execute('DROP FUNCTION search_grams(varchar, varchar)')
