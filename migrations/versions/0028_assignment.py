"""Lead mediators and case assignment

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts are no leads until an administrator says so.
    op.add_column(
        "users", sa.Column("is_lead", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade():
    op.drop_column("users", "is_lead")
