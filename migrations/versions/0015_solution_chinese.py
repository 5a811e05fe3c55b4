"""solution details in Traditional Chinese beside English: problem, target users, departments,
regulatory status and deployments

Revision ID: 0015_solution_chinese
Revises: 0011_meetings
Create Date: 2026-11-27 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_solution_chinese'
down_revision = '0019_communications'
branch_labels = None
depends_on = None

COLUMNS = (('problem_zh', sa.Text()), ('target_users_zh', sa.String(length=300)),
           ('departments_zh', sa.String(length=300)), ('regulatory_status_zh', sa.String(length=200)),
           ('deployments_zh', sa.Text()))


def upgrade():
    with op.batch_alter_table('solution', schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('solution', schema=None) as batch_op:
        for name, _type in reversed(COLUMNS):
            batch_op.drop_column(name)
