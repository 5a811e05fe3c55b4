"""six-month follow-ups to meetings' participants; badge scans at networking tables

Revision ID: 0014_meeting_followups
Revises: 0011_meetings
Create Date: 2026-11-27 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_meeting_followups'
down_revision = '0011_meetings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pilot_follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.alter_column('pilot_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_pilot_follow_up_meeting_id_meeting'), 'meeting',
                                    ['meeting_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_pilot_follow_up_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_unique_constraint('uq_pilot_follow_up_meeting_email', ['meeting_id', 'email'])
        batch_op.create_check_constraint('follow_up_one_subject', '(pilot_id IS NULL) <> (meeting_id IS NULL)')

    op.create_table('networking_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scanned_by_id', sa.Integer(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['networking_meeting.id'], name=op.f('fk_networking_attendance_meeting_id_networking_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scanned_by_id'], ['user.id'], name=op.f('fk_networking_attendance_scanned_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_networking_attendance_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networking_attendance')),
    sa.UniqueConstraint('meeting_id', 'user_id', name='uq_networking_attendance')
    )
    with op.batch_alter_table('networking_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networking_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_networking_attendance_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('networking_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_networking_attendance_user_id'))
        batch_op.drop_index(batch_op.f('ix_networking_attendance_meeting_id'))
    op.drop_table('networking_attendance')
    op.execute("DELETE FROM pilot_follow_up WHERE pilot_id IS NULL")
    with op.batch_alter_table('pilot_follow_up', schema=None) as batch_op:
        batch_op.drop_constraint('follow_up_one_subject', type_='check')
        batch_op.drop_constraint('uq_pilot_follow_up_meeting_email', type_='unique')
        batch_op.drop_index(batch_op.f('ix_pilot_follow_up_meeting_id'))
        batch_op.drop_constraint(batch_op.f('fk_pilot_follow_up_meeting_id_meeting'), type_='foreignkey')
        batch_op.alter_column('pilot_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('meeting_id')
