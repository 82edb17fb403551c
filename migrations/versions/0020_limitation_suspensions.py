"""Suspensions (中止) of a case's limitation for arbitration: force majeure or another
legitimate reason kept the worker from applying (劳动争议调解仲裁法 第二十七条第三款)

A new table; existing cases have no suspension, and their limitation is as before.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 15:11:15

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('limitation_suspensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.Enum('force_majeure', 'other_legitimate_reason', name='suspension_cause', native_enum=False, create_constraint=True, length=23), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('(ends_on IS NULL) = (ended_at IS NULL)', name=op.f('ck_limitation_suspensions_end_recorded_with_its_day')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_limitation_suspensions_ends_after_start')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_limitation_suspensions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_limitation_suspensions_ended_by_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_limitation_suspensions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_limitation_suspensions'))
    )
    with op.batch_alter_table('limitation_suspensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_limitation_suspensions_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('limitation_suspensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_limitation_suspensions_case_id'))

    op.drop_table('limitation_suspensions')
