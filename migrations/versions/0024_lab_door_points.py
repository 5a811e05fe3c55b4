"""the data lab's door is a check-in point of kind "data lab" (no forum); lab door scans keep their point,
their answer and which one was the booking's first entry

Revision ID: 0024_lab_door_points
Revises: 0022_mail_templates_more
Create Date: 2026-11-27 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_lab_door_points'
down_revision = '0023_announcement_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin_point', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('forum door', 'data lab', name='pointkind', native_enum=False,
                                                      length=20),
                                      nullable=False, server_default='forum door'))
        batch_op.alter_column('forum_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index('uq_checkin_point_unforumed_key', ['key'], unique=True,
                              sqlite_where=sa.text('forum_id IS NULL'),
                              postgresql_where=sa.text('forum_id IS NULL'))
        batch_op.create_check_constraint('forum_kind', "(forum_id IS NULL) = (kind <> 'forum door')")
    with op.batch_alter_table('datalab_door_scan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_entry', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('point_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_datalab_door_scan_point_id_checkin_point'), 'checkin_point',
                                    ['point_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('uq_datalab_door_first_entry', ['booking_id'], unique=True,
                              sqlite_where=sa.text('first_entry = 1'), postgresql_where=sa.text('first_entry'))
    # Bookings entered before this revision: their earliest admitted scan in is the first entry.
    op.execute("UPDATE datalab_door_scan SET first_entry = true WHERE id IN ("
               " SELECT MIN(id) FROM datalab_door_scan WHERE direction = 'in' AND admitted"
               " AND booking_id IS NOT NULL GROUP BY booking_id)")


def downgrade():
    with op.batch_alter_table('datalab_door_scan', schema=None) as batch_op:
        batch_op.drop_index('uq_datalab_door_first_entry')
        batch_op.drop_constraint(batch_op.f('fk_datalab_door_scan_point_id_checkin_point'), type_='foreignkey')
        batch_op.drop_column('answer')
        batch_op.drop_column('point_id')
        batch_op.drop_column('first_entry')
    op.execute("DELETE FROM checkin_point WHERE forum_id IS NULL")
    with op.batch_alter_table('checkin_point', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_checkin_point_forum_kind'), type_='check')
        batch_op.drop_index('uq_checkin_point_unforumed_key')
        batch_op.alter_column('forum_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('kind')
