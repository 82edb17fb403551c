"""Employer representatives register online: each registration with its letter of
authorisation and the staff decision on it

Existing representatives were created by administrators and have no registration: nothing to
move.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('representative_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='representative_request_status', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('letter_stored_name', sa.String(length=80), nullable=False),
    sa.Column('letter_original_name', sa.String(length=255), nullable=False),
    sa.Column('letter_content_type', sa.String(length=50), nullable=False),
    sa.Column('letter_size', sa.Integer(), nullable=False),
    sa.Column('letter_sha256', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name=op.f('ck_representative_requests_decided_when_not_pending')),
    sa.CheckConstraint("status != 'rejected' OR reason IS NOT NULL", name=op.f('ck_representative_requests_rejection_has_reason')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_representative_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_representative_requests_employer_id_employers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_representative_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representative_requests')),
    sa.UniqueConstraint('letter_stored_name', name=op.f('uq_representative_requests_letter_stored_name'))
    )
    with op.batch_alter_table('representative_requests', schema=None) as batch_op:
        batch_op.create_index('ix_representative_requests_queue', ['status', 'employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representative_requests_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('representative_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representative_requests_user_id'))
        batch_op.drop_index('ix_representative_requests_queue')

    op.drop_table('representative_requests')
