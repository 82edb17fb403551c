"""What is overdue or not yet due today is counted per date in a rollup of its own

Every dashboard counts, as of the day it is read, the open cases of its cohort past their
deadline and the dated agreements not yet due (and those of them paid in full). Both were
counted from case_figures' rows, one per case: 34,000 index entries for a year at a million
cases (5 to 10 ms of a year page's 13 ms of SQL), ten times as many at ten million, where
the rollups otherwise read no more rows than at one. figure_dates counts the cohort's cases
per day of each date instead, by place and period as the rollups do, so the page reads only
the dates on the right side of today: a few hundred rows, however many cases a month brings.
case_figures gains the due date of an agreement paid in full (what the third count is of).
A dashboard filtered by a detail still counts from case_figures' indexes.

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

MEASURES = ('open_deadline', 'agreement_due_on', 'paid_in_full_due_on')
MONTH_START = {
    'postgresql': "CAST(date_trunc('month', received_on) AS DATE)",
    'sqlite': "date(received_on, 'start of month')",
}
COUNT_INTO = """
INSERT INTO figure_dates (grain, period_start, organization_id, tier, measure, falls_on, cases)
SELECT '{grain}', {period}, organization_id, tier, '{measure}', {measure}, count(*)
FROM case_figures WHERE {measure} IS NOT NULL
GROUP BY {period}, organization_id, tier, {measure}
"""


def upgrade():
    op.add_column('case_figures', sa.Column('paid_in_full_due_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE case_figures SET paid_in_full_due_on = agreement_due_on"
        " WHERE agreements_paid_in_full = 1"
    )
    op.create_table(
        'figure_dates',
        sa.Column('grain', sa.Enum('day', 'month', name='figure_grain', native_enum=False,
                                   create_constraint=True), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('tier', sa.Enum('enterprise', 'union', 'hr_bureau', 'court', name='figure_tier',
                                  native_enum=False, create_constraint=True), nullable=False),
        sa.Column('measure', sa.Enum(*MEASURES, name='figure_dated', native_enum=False,
                                     create_constraint=True), nullable=False),
        sa.Column('falls_on', sa.Date(), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.CheckConstraint('cases >= 0', name=op.f('ck_figure_dates_cases_not_negative')),
        sa.PrimaryKeyConstraint('grain', 'organization_id', 'period_start', 'tier', 'measure',
                                'falls_on', name=op.f('pk_figure_dates')),
    )
    op.create_index(
        'ix_figure_dates_measure_grain_falls_on', 'figure_dates', ['measure', 'grain', 'falls_on'],
        postgresql_include=['period_start', 'organization_id', 'tier', 'cases'],
    )
    periods = {'day': 'received_on', 'month': MONTH_START[op.get_bind().dialect.name]}
    for grain, period in periods.items():
        for measure in MEASURES:
            op.execute(COUNT_INTO.format(grain=grain, period=period, measure=measure))


def downgrade():
    op.drop_index('ix_figure_dates_measure_grain_falls_on', table_name='figure_dates')
    op.drop_table('figure_dates')
    with op.batch_alter_table('case_figures', schema=None) as batch_op:
        batch_op.drop_column('paid_in_full_due_on')
