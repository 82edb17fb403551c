"""Cases carry the version of what their page shows: the key of the parties' kept case page

Every commit that writes a row of a case (its claims, messages, sessions, documents, audit
events and the rest) gives ``page_version`` a new random value (mediation.cases.page_store);
the rendered page is kept under the version it shows, so a change makes the next view render
it afresh. Existing cases get a random version each, as new ones do: a value shared by many
cases would be safe (the case is in the key) but would repeat in a database loaded again.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-04 04:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: SQLite would rebuild the table and copy into its generated column
    # (see 0014); a column with a default is added, and dropped, in place on both databases.
    op.add_column(
        'cases', sa.Column('page_version', sa.BigInteger(), server_default='0', nullable=False)
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE cases SET page_version = floor(random() * 4611686018427387904)")
    else:
        op.execute("UPDATE cases SET page_version = abs(random()) % 4611686018427387904")


def downgrade():
    op.drop_column('cases', 'page_version')
