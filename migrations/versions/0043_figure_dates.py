"""What is overdue or not yet due today is counted per date in rollups of its own

Every dashboard counts, as of the day it is read, the open cases of its cohort past their
deadline and the dated agreements not yet due (and those of them paid in full). Both were
counted from case_figures' rows, one per case: 34,000 index entries for a year at a million
cases (5 to 10 ms of a year page's 13 ms of SQL), ten times as many at ten million, where
the rollups otherwise read no more rows than at one. figure_dates and figure_dates_detailed
count the cohort's cases per day of each date instead, under the rollups' keys and periods,
so the page reads only the dates on the right side of today: a few hundred rows, however
many cases a month brings. case_figures gains the due date of an agreement paid in full
(what the third count is of); its two indexes of agreements, which only that count read,
go.

Existing cases are counted here from case_figures, exactly as stats.figures counts them
(``flask figures verify`` finds no difference). Both databases.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-04 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None

PLACE = ('organization_id', 'tier')
DETAIL = ('channel', 'category_mask', 'priority_mask')
TABLES = {'figure_dates': PLACE, 'figure_dates_detailed': (*PLACE, *DETAIL)}
MEASURES = ('open_deadline', 'agreement_due_on', 'paid_in_full_due_on')
MONTH_START = {
    'postgresql': "CAST(date_trunc('month', received_on) AS DATE)",
    'sqlite': "date(received_on, 'start of month')",
}
KEY_TYPES = {
    'organization_id': sa.Integer,
    'tier': lambda: sa.Enum(
        'enterprise', 'union', 'hr_bureau', 'court', name='figure_tier', native_enum=False,
        create_constraint=True),
    'channel': lambda: sa.Enum(
        'web', 'window', 'phone', 'app', name='figure_channel', native_enum=False,
        create_constraint=True),
    'category_mask': sa.Integer,
    'priority_mask': sa.Integer,
}


def _create(table, key):
    op.create_table(
        table,
        sa.Column('grain', sa.Enum('day', 'month', name='figure_grain', native_enum=False,
                                   create_constraint=True), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        *(sa.Column(column, KEY_TYPES[column](), nullable=False) for column in key),
        sa.Column('measure', sa.Enum(*MEASURES, name='figure_dated', native_enum=False,
                                     create_constraint=True), nullable=False),
        sa.Column('falls_on', sa.Date(), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.CheckConstraint('cases >= 0', name=op.f(f'ck_{table}_cases_not_negative')),
        sa.PrimaryKeyConstraint('grain', 'organization_id', 'period_start', *key[1:], 'measure',
                                'falls_on', name=op.f(f'pk_{table}')),
    )
    op.create_index(
        f'ix_{table}_measure_falls_on', table, ['measure', 'falls_on'],
        postgresql_include=['grain', 'period_start', *key, 'cases'],
    )


def _count_into(table, key, grain, period, measure):
    return f"""
INSERT INTO {table} (grain, period_start, {', '.join(key)}, measure, falls_on, cases)
SELECT '{grain}', {period}, {', '.join(key)}, '{measure}', {measure}, count(*)
FROM case_figures WHERE {measure} IS NOT NULL
GROUP BY {period}, {', '.join(key)}, {measure}
"""


def upgrade():
    op.add_column('case_figures', sa.Column('paid_in_full_due_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE case_figures SET paid_in_full_due_on = agreement_due_on"
        " WHERE agreements_paid_in_full = 1"
    )
    op.drop_index('ix_case_figures_received_agreements', table_name='case_figures')
    op.drop_index('ix_case_figures_agreement_due_on', table_name='case_figures')
    periods = {'day': 'received_on', 'month': MONTH_START[op.get_bind().dialect.name]}
    for table, key in TABLES.items():
        _create(table, key)
        for grain, period in periods.items():
            for measure in MEASURES:
                op.execute(_count_into(table, key, grain, period, measure))


def downgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_measure_falls_on', table_name=table)
        op.drop_table(table)
    counted = (*PLACE, *DETAIL, 'agreements_paid_in_full')
    op.create_index(
        'ix_case_figures_agreement_due_on', 'case_figures', ['agreement_due_on'],
        postgresql_include=['received_on', *counted],
        postgresql_where=sa.text('agreement_due_on IS NOT NULL'),
        sqlite_where=sa.text('agreement_due_on IS NOT NULL'),
    )
    op.create_index(
        'ix_case_figures_received_agreements', 'case_figures',
        ['received_on', 'agreement_due_on'],
        postgresql_include=list(counted),
        postgresql_where=sa.text('agreement_due_on IS NOT NULL'),
        sqlite_where=sa.text('agreement_due_on IS NOT NULL'),
    )
    with op.batch_alter_table('case_figures', schema=None) as batch_op:
        batch_op.drop_column('paid_in_full_due_on')
