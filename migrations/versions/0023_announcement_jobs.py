"""announcements go through the job queue: one row per recipient (unique per announcement), the job

Revision ID: 0023_announcement_jobs
Revises: 0022_mail_templates_more
Create Date: 2026-11-27 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_announcement_jobs'
down_revision = '0022_mail_templates_more'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_announcement_job_id_job'), 'job', ['job_id'], ['id'],
                                    ondelete='SET NULL')
    op.create_table(
        'announcement_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('announcement_id', sa.Integer(), nullable=False),
        sa.Column('address_hash', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'],
                                name=op.f('fk_announcement_recipient_announcement_id_announcement'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_recipient')),
        sa.UniqueConstraint('announcement_id', 'address_hash', name='uq_announcement_recipient_address'),
    )


def downgrade():
    op.drop_table('announcement_recipient')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_announcement_job_id_job'), type_='foreignkey')
        batch_op.drop_column('job_id')
