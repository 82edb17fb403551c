"""Whether agreements were paid, kept in the figure rollups

The dashboard counted the paid agreements of a period from the raw agreements and payment
reports of its whole cohort (147 of a year page's 175 ms at 100,000 cases). Three measures
now carry it in the rollups: the dated agreements (settled, money to pay, a due date), those
of them paid in full by the newest report, and the amount the newest reports say was paid;
``case_figures.agreement_due_on`` lets the page take out the few not yet due.

Existing rows are counted here, from the agreements and reports as they stand, exactly as
``stats.figures.case_measures`` counts them (``flask figures verify`` finds no difference).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


MEASURES = (
    ('agreements_dated', sa.Integer()),
    ('agreements_paid_in_full', sa.Integer()),
    ('amount_paid_fen', sa.BigInteger()),
)
# Each rollup table, the columns of its key besides the period, and its grains.
ROLLUPS = (
    ('figure_rollups', ('organization_id', 'tier'), ('day', 'month')),
    (
        'figure_rollups_detailed',
        ('organization_id', 'tier', 'channel', 'category_mask', 'priority_mask'),
        ('day', 'month'),
    ),
    ('figure_rollups_by_employer', ('organization_id', 'tier', 'employer_id'), ('month',)),
)
FIGURE_TABLES = ('case_figures', *(table for table, _key, _grains in ROLLUPS))

# A case's dated agreement, and its newest payment report (the agreement's standing).
DATED = (
    "EXISTS (SELECT 1 FROM agreements a WHERE a.case_id = case_figures.case_id"
    " AND a.amount > 0 AND a.due_date IS NOT NULL)"
)
NEWEST = (
    "(SELECT p.{column} FROM payment_reports p WHERE p.case_id = case_figures.case_id"
    " ORDER BY p.id DESC LIMIT 1)"
)
COUNT_CASES = f"""
UPDATE case_figures SET
  agreements_dated = CASE WHEN {DATED} THEN 1 ELSE 0 END,
  agreements_paid_in_full = CASE WHEN {DATED} AND {NEWEST.format(column='payment')} = 'paid'
    THEN 1 ELSE 0 END,
  amount_paid_fen = CAST(ROUND(COALESCE({NEWEST.format(column='amount_paid')}, 0) * 100)
    AS BIGINT),
  agreement_due_on = CASE WHEN {DATED} THEN (SELECT a.due_date FROM agreements a
    WHERE a.case_id = case_figures.case_id) END
WHERE case_id IN (SELECT c.id FROM cases c JOIN agreements a ON a.case_id = c.id
  WHERE c.outcome = 'resolved')
"""
MONTH_START = {
    'postgresql': "CAST(date_trunc('month', received_on) AS DATE)",
    'sqlite': "date(received_on, 'start of month')",
}


def _sum_into(table: str, key: tuple[str, ...], grain: str, period: str) -> str:
    """Add the cases' new measures to the rollup rows of one grain (they all exist: every
    case with an agreement is counted in them already)."""
    names = [name for name, _type in MEASURES]
    return f"""
UPDATE {table} SET {', '.join(f'{name} = s.{name}' for name in names)}
FROM (
  SELECT {period} AS period_start, {', '.join(key)},
    {', '.join(f'SUM({name}) AS {name}' for name in names)}
  FROM case_figures
  GROUP BY {period}, {', '.join(key)}
  HAVING SUM(agreements_dated) > 0 OR SUM(amount_paid_fen) > 0
) AS s
WHERE {table}.grain = '{grain}' AND {table}.period_start = s.period_start
  AND {' AND '.join(f'{table}.{column} = s.{column}' for column in key)}
"""


def upgrade():
    # In place on both databases (no table rebuild): NOT NULL with a default for the rows there.
    for table in FIGURE_TABLES:
        for name, type_ in MEASURES:
            op.add_column(table, sa.Column(name, type_, nullable=False, server_default='0'))
    op.add_column('case_figures', sa.Column('agreement_due_on', sa.Date(), nullable=True))
    # Covering, on PostgreSQL: the dashboard's count of agreements not yet due reads only it.
    op.create_index(
        'ix_case_figures_agreement_due_on', 'case_figures', ['agreement_due_on'],
        postgresql_include=[
            'received_on', 'organization_id', 'tier', 'channel', 'category_mask',
            'priority_mask', 'agreements_paid_in_full',
        ],
        postgresql_where=sa.text('agreement_due_on IS NOT NULL'),
        sqlite_where=sa.text('agreement_due_on IS NOT NULL'),
    )
    op.execute(COUNT_CASES)
    periods = {'day': 'received_on', 'month': MONTH_START[op.get_bind().dialect.name]}
    for table, key, grains in ROLLUPS:
        for grain in grains:
            op.execute(_sum_into(table, key, grain, periods[grain]))


def downgrade():
    op.drop_index('ix_case_figures_agreement_due_on', table_name='case_figures')
    op.drop_column('case_figures', 'agreement_due_on')
    for table in FIGURE_TABLES:
        for name, _type in MEASURES:
            op.drop_column(table, name)
