"""Issued documents whose Chinese PDF a worker has yet to store

Issuing a document freezes what it states in the issuing transaction; its PDF (about 50 ms of
rendering) is stored by a background job right after the commit instead of in the request.
``pdf_pending`` marks the documents that job has still to do, and a partial index finds them.
Documents issued before have none pending (their files are made when first read, as before).

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'case_documents',
        sa.Column('pdf_pending', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index(
        'ix_case_documents_pdf_pending',
        'case_documents',
        ['id'],
        postgresql_where=sa.text('pdf_pending'),
        sqlite_where=sa.text('pdf_pending'),
    )


def downgrade():
    op.drop_index('ix_case_documents_pdf_pending', table_name='case_documents')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE case_documents DROP COLUMN pdf_pending')  # in place, SQLite 3.35+
    else:
        op.drop_column('case_documents', 'pdf_pending')
