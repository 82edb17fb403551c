"""Legal-aid requests; the figures count them, and the cases handed to arbitration

A request records the district's legal-aid station as it was when the worker asked. The two
new measures of the figure tables start at 0 on existing rows, which is right: there were no
requests and no hand-offs before this revision (the hand-off's events come with 0025).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

FIGURE_TABLES = (
    'case_figures',
    'figure_rollups',
    'figure_rollups_detailed',
    'figure_rollups_by_employer',
)
MEASURES = ('legal_aid_requests', 'handed_to_arbitration')


def upgrade():
    op.create_table('legal_aid_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('filing', 'later', name='legal_aid_channel', native_enum=False, create_constraint=True, length=6), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=200), nullable=True),
    sa.Column('station_address', sa.String(length=200), nullable=True),
    sa.Column('station_phone', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_legal_aid_requests_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_legal_aid_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_aid_requests')),
    sa.UniqueConstraint('case_id', name=op.f('uq_legal_aid_requests_case_id'))
    )
    # In place on both databases (no table rebuild): NOT NULL with a default for the rows there.
    for table in FIGURE_TABLES:
        for name in MEASURES:
            op.add_column(
                table, sa.Column(name, sa.Integer(), nullable=False, server_default='0')
            )


def downgrade():
    for table in FIGURE_TABLES:
        for name in MEASURES:
            op.drop_column(table, name)
    op.drop_table('legal_aid_requests')
