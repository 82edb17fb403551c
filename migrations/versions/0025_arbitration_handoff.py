"""Arbitration and payment-order hand-offs

The applications a worker files outside mediation, prepared from the case and edited on the
platform (劳动争议调解仲裁法 第二十八条, 第十六条). A new table; existing cases have none, and
their applications are drawn from the case until someone saves one.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('arbitration_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('arbitration', 'payment_order', name='handoff_kind', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('handed_at', sa.DateTime(), nullable=True),
    sa.Column('handed_by_id', sa.Integer(), nullable=True),
    sa.Column('commission', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind = 'arbitration' OR handed_at IS NULL", name=op.f('ck_arbitration_applications_only_arbitration_handed')),
    sa.CheckConstraint('(handed_at IS NULL) = (handed_by_id IS NULL)', name=op.f('ck_arbitration_applications_handed_by_someone')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_arbitration_applications_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handed_by_id'], ['users.id'], name=op.f('fk_arbitration_applications_handed_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_arbitration_applications_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arbitration_applications')),
    sa.UniqueConstraint('case_id', 'kind', name=op.f('uq_arbitration_applications_case_id'))
    )


def downgrade():
    op.drop_table('arbitration_applications')
