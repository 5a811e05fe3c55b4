"""data lab: an application links to a related pilot; lab-door scans carry the scanner's nonce

Revision ID: 0013_datalab_more
Revises: 0010_datalab
Create Date: 2026-11-27 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_datalab_more'
down_revision = '0010_datalab'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('datalab_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pilot_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_datalab_application_pilot_id'), ['pilot_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_datalab_application_pilot_id_pilot'), 'pilot', ['pilot_id'],
                                    ['id'], ondelete='SET NULL')
    with op.batch_alter_table('datalab_door_scan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=80), nullable=True))
        batch_op.create_index('uq_datalab_door_scan_nonce', ['nonce'], unique=True)


def downgrade():
    with op.batch_alter_table('datalab_door_scan', schema=None) as batch_op:
        batch_op.drop_index('uq_datalab_door_scan_nonce')
        batch_op.drop_column('nonce')
    with op.batch_alter_table('datalab_application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_datalab_application_pilot_id_pilot'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_datalab_application_pilot_id'))
        batch_op.drop_column('pilot_id')
