"""pilot documents: agreements and evaluation reports, stored as checked files

Revision ID: 0012_pilot_documents
Revises: 0013_datalab_more
Create Date: 2026-11-27 13:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_pilot_documents'
down_revision = '0013_datalab_more'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pilot_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('agreement','evaluation')", name=op.f('ck_pilot_document_document_kind_known')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_pilot_document_file_id_stored_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_pilot_document_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_pilot_document_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_document'))
    )
    with op.batch_alter_table('pilot_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_document_pilot_id'), ['pilot_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pilot_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_document_pilot_id'))
    op.drop_table('pilot_document')
