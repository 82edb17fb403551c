"""Progress lookup codes: the keyed hash of the code that lets an applicant without an account
follow the case (mediation.tracking). Existing cases have none until staff issue one.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('cases', sa.Column('track_code_hash', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('cases', 'track_code_hash')
