"""Issued documents kept as records: frozen content, issuer, mediator, versions, and the PDF
as first given out; two new kinds (the court's decision on confirmation, the case file)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


OLD_KINDS = ('application', 'acceptance_notice', 'decline_notice', 'agreement',
             'termination_notice', 'period_expired_notice')
NEW_KINDS = (*OLD_KINDS, 'confirmation_decision', 'case_file')
COLUMNS = ('issuer_id', 'mediator_id', 'version', 'supersedes_id', 'superseded_at', 'content',
           'content_sha256')


def _kind(kinds):
    return sa.Enum(*kinds, name='document_kind', native_enum=False, create_constraint=True,
                   length=max(map(len, kinds)))


def upgrade():
    # Documents issued before have no content: they are still built from the case.
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kind(OLD_KINDS), type_=_kind(NEW_KINDS))
        batch_op.add_column(sa.Column('issuer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mediator_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('supersedes_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('content', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            'fk_case_documents_issuer_id_organizations', 'organizations', ['issuer_id'], ['id'])
        batch_op.create_foreign_key(
            'fk_case_documents_mediator_id_users', 'users', ['mediator_id'], ['id'])
        batch_op.create_foreign_key(
            'fk_case_documents_supersedes_id_case_documents', 'case_documents',
            ['supersedes_id'], ['id'])
    op.create_table(
        'document_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('rendered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['case_documents.id'], ondelete='CASCADE',
                                name='fk_document_files_document_id_case_documents'),
        sa.PrimaryKeyConstraint('id', name='pk_document_files'),
        sa.UniqueConstraint('document_id', 'locale', name='uq_document_files_document_id'),
    )
    op.create_index('ix_document_files_document_id', 'document_files', ['document_id'])
    op.create_index('ix_document_files_sha256', 'document_files', ['sha256'])


def downgrade():
    op.drop_index('ix_document_files_sha256', table_name='document_files')
    op.drop_index('ix_document_files_document_id', table_name='document_files')
    op.drop_table('document_files')
    # The new kinds cannot be kept under the old constraint; their services go with them.
    op.execute("DELETE FROM document_services WHERE document_id IN (SELECT id FROM case_documents"
               " WHERE kind IN ('confirmation_decision', 'case_file'))")
    op.execute("DELETE FROM case_documents WHERE kind IN ('confirmation_decision', 'case_file')")
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.drop_constraint(
            'fk_case_documents_supersedes_id_case_documents', type_='foreignkey')
        batch_op.drop_constraint('fk_case_documents_mediator_id_users', type_='foreignkey')
        batch_op.drop_constraint('fk_case_documents_issuer_id_organizations', type_='foreignkey')
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
        batch_op.alter_column('kind', existing_type=_kind(NEW_KINDS), type_=_kind(OLD_KINDS))
