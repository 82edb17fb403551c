"""Employers without a USCC: a worker who does not know the employer's unified social credit
code files with the company's name and address; staff complete the code before acceptance

Existing employers all have their code: nothing to move. The downgrade refuses while an
employer without a code exists (the old schema cannot hold it); complete or remove those
first.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch_op.alter_column('uscc', existing_type=sa.String(length=18), nullable=True)


def downgrade():
    employers = sa.table('employers', sa.column('id', sa.Integer), sa.column('uscc', sa.String))
    missing = op.get_bind().execute(
        sa.select(sa.func.count()).select_from(employers).where(employers.c.uscc.is_(None))
    ).scalar_one()
    if missing:
        raise RuntimeError(
            f"Cannot downgrade below 0017: {missing} employer(s) have no unified social credit "
            "code. Complete their codes (or remove them) first."
        )
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.alter_column('uscc', existing_type=sa.String(length=18), nullable=False)
        batch_op.drop_column('address')
