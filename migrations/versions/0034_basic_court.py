"""Each district's basic people's court (name, address, telephone), to which a payment order
is applied for and which rules on judicial confirmation; a legal-aid request's requester may be
emptied (anonymisation)

The court columns are nullable and added in place: until an administrator records the court,
its name is made from the district's. ``legal_aid_requests.requested_by_id`` becomes nullable
(SQLite rebuilds that small table), so that anonymising a case unlinks its request from the
worker's account (个人信息保护法 第四十七条). The downgrade gives an emptied request the account
that filed the case, which the case row names anyway; the schema before cannot hold none.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

COURT_COLUMNS = (('basic_court', 200), ('basic_court_address', 200), ('basic_court_phone', 30))


def upgrade():
    for name, length in COURT_COLUMNS:
        op.add_column('regions', sa.Column(name, sa.String(length=length), nullable=True))
    with op.batch_alter_table('legal_aid_requests', schema=None) as batch_op:
        batch_op.alter_column('requested_by_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    requests = sa.table(
        'legal_aid_requests',
        sa.column('case_id', sa.Integer),
        sa.column('requested_by_id', sa.Integer),
    )
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('filed_by_id', sa.Integer))
    op.execute(
        requests.update()
        .where(requests.c.requested_by_id.is_(None))
        .values(
            requested_by_id=sa.select(cases.c.filed_by_id)
            .where(cases.c.id == requests.c.case_id)
            .scalar_subquery()
        )
    )
    with op.batch_alter_table('legal_aid_requests', schema=None) as batch_op:
        batch_op.alter_column('requested_by_id', existing_type=sa.Integer(), nullable=False)
    for name, _length in COURT_COLUMNS:
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE regions DROP COLUMN {name}')  # in place, SQLite 3.35+
        else:
            op.drop_column('regions', name)
