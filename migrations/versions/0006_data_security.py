"""data security: the forum setting that shows access needs to door staff

Revision ID: 0006_data_security
Revises: 0005_accounts_security
Create Date: 2026-11-27 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_data_security'
down_revision = '0005_accounts_security'
branch_labels = None
depends_on = None


def upgrade():
    # Off for every existing forum: door staff see access needs only once an organiser turns this on.
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('door_shows_access_needs', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('door_shows_access_needs')
