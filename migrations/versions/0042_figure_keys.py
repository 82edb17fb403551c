"""The figure tables keep no foreign key to the organisations or employers

Every organisation and employer id in a figure table is a copy of a case's own, which the
cases table checks. Checked again per row, they cost a rebuild a third of its time: for a
million cases, inserting case_figures took 58 s, of which the three keys' triggers took 39
(the case's 19, the employer's 10, the organisation's 9.5), and the detailed distributions
(900,000 rows) paid the organisation's check once more. case_figures.case_id keeps its key:
it stops a case being deleted while its share is still in the rollups. Both databases (SQLite
rebuilds each table, as it must to drop a key).

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-04 15:00:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None

# Each figure table with the keys it loses: (column, table referred to).
KEYS = {
    'case_figures': [('organization_id', 'organizations'), ('employer_id', 'employers')],
    'figure_rollups': [('organization_id', 'organizations')],
    'figure_rollups_detailed': [('organization_id', 'organizations')],
    'figure_distributions': [('organization_id', 'organizations')],
    'figure_distributions_detailed': [('organization_id', 'organizations')],
    'figure_rollups_by_employer': [
        ('organization_id', 'organizations'), ('employer_id', 'employers')
    ],
}


def _name(table, column, referred):
    return f'fk_{table}_{column}_{referred}'


def upgrade():
    for table, keys in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, referred in keys:
                batch_op.drop_constraint(_name(table, column, referred), type_='foreignkey')


def downgrade():
    for table, keys in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, referred in keys:
                batch_op.create_foreign_key(
                    _name(table, column, referred), referred, [column], ['id'])
