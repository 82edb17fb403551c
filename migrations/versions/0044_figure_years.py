"""The figure rollups and distributions are also summed per calendar year

A dashboard for a year, or for the last 365 days, read a month row of each of twelve
months: at a million cases 9,700 rows of the distributions (4.4 ms of the 365-day page's
11 ms of SQL), 300 of the rollups, a day row set for each end. With a row per year it reads
that year's row (less the month rows of months outside it, the way a month is read as its
row less the days outside): 1,950 distribution rows for the last 365 days. A period of
several years reads a row set per year, not twelve.

Existing year rows are summed here from the month rows (every column but the key is a count
or a sum, so a year is exactly its months; ``flask figures verify`` finds no difference).
The employers' rollup keeps months only (its risk window is whole months) and the dates
days and months (a page reads only those on the right side of today, and year rows read no
fewer), but their grain columns share the enum and so its check. Both databases (SQLite
rebuilds each table to change a check).

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-04 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None

WITH_YEARS = (
    'figure_rollups',
    'figure_rollups_detailed',
    'figure_distributions',
    'figure_distributions_detailed',
)
GRAIN_CHECKED = (*WITH_YEARS, 'figure_dates', 'figure_rollups_by_employer')
YEAR_START = {
    'postgresql': "CAST(date_trunc('year', period_start) AS DATE)",
    'sqlite': "date(period_start, 'start of year')",
}


def _grains_allowed(grains):
    for table in GRAIN_CHECKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            name = op.f(f'ck_{table}_figure_grain')
            batch_op.drop_constraint(name, type_='check')
            allowed = ', '.join(f"'{grain}'" for grain in grains)
            batch_op.create_check_constraint(name, f'grain IN ({allowed})')


def upgrade():
    _grains_allowed(('day', 'month', 'year'))
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    year = YEAR_START[bind.dialect.name]
    for table in WITH_YEARS:
        key = [
            column for column in inspector.get_pk_constraint(table)['constrained_columns']
            if column not in ('grain', 'period_start')
        ]
        summed = [
            column['name'] for column in inspector.get_columns(table)
            if column['name'] not in ('grain', 'period_start', *key)
        ]
        op.execute(
            f"INSERT INTO {table} (grain, period_start, {', '.join(key + summed)})"
            f" SELECT 'year', {year}, {', '.join(key)},"
            f" {', '.join(f'sum({column})' for column in summed)}"
            f" FROM {table} WHERE grain = 'month'"
            f" GROUP BY {year}, {', '.join(key)}"
        )


def downgrade():
    for table in WITH_YEARS:
        op.execute(f"DELETE FROM {table} WHERE grain = 'year'")
    _grains_allowed(('day', 'month'))
