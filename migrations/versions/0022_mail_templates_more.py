"""mail templates: site-wide wording of the account mails (forum_id NULL), one per key

Revision ID: 0022_mail_templates_more
Revises: 0019_communications
Create Date: 2026-11-27 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_mail_templates_more'
down_revision = '0016_datalab_partners'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_template', schema=None) as batch_op:
        batch_op.alter_column('forum_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index('uq_mail_template_site_key', ['key'], unique=True,
                              sqlite_where=sa.text('forum_id IS NULL'),
                              postgresql_where=sa.text('forum_id IS NULL'))


def downgrade():
    op.execute("DELETE FROM mail_template WHERE forum_id IS NULL")
    with op.batch_alter_table('mail_template', schema=None) as batch_op:
        batch_op.drop_index('uq_mail_template_site_key')
        batch_op.alter_column('forum_id', existing_type=sa.Integer(), nullable=False)
